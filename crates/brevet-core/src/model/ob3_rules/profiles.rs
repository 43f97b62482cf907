//! The schema's Profile class (issuers, creators, sources, parent organisations) and its
//! Address and GeoCoordinates.

use serde_json::Value;

use super::Rules;
use crate::model::errors::JsonPath;

impl Rules<'_> {
    pub(super) fn profile(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(profile) = self.object(value, path, "a Profile") else {
            return;
        };
        self.required(profile, path, "Profile", &["id", "type"]);
        self.type_contains(profile, path, "Profile");
        self.strings(
            profile,
            path,
            &[
                "id",
                "name",
                "url",
                "phone",
                "description",
                "email",
                "official",
                "familyName",
                "givenName",
                "additionalName",
                "patronymicName",
                "honorificPrefix",
                "honorificSuffix",
                "familyNamePrefix",
            ],
        );
        self.array_of(profile, path, "endorsement", Self::endorsement_credential);
        self.array_of(profile, path, "endorsementJwt", Self::jwt_item);
        self.nested(profile, path, "image", Self::image);
        self.nested(profile, path, "address", Self::address);
        self.array_of(profile, path, "otherIdentifier", Self::identifier_entry);
        self.nested(profile, path, "parentOrg", Self::profile);
        self.date(profile, path, "dateOfBirth");
    }

    fn address(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(address) = self.object(value, path, "an Address") else {
            return;
        };
        self.required(address, path, "Address", &["type"]);
        self.type_contains(address, path, "Address");
        self.strings(
            address,
            path,
            &[
                "addressCountry",
                "addressCountryCode",
                "addressRegion",
                "addressLocality",
                "streetAddress",
                "postOfficeBoxNumber",
                "postalCode",
            ],
        );
        self.nested(address, path, "geo", Self::geo_coordinates);
    }

    fn geo_coordinates(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(geo) = self.object(value, path, "GeoCoordinates") else {
            return;
        };
        self.required(
            geo,
            path,
            "GeoCoordinates",
            &["type", "latitude", "longitude"],
        );
        self.type_is(geo, path, "GeoCoordinates");
        self.number(geo, path, "latitude");
        self.number(geo, path, "longitude");
    }
}
