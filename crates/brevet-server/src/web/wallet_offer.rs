//! The wallet-app offer partial (`partials/wallet_offer.html`): the QR code and deep link of an
//! OpenID4VCI credential offer, for the earner's claim page to include. Both are built from the
//! offer Brevet made (its own `openid-credential-offer://` link), never from credential text.

use brevet_app::oid4vci::CredentialOffer;
use serde_json::{Value, json};

/// The partial, registered with every other template.
pub const TEMPLATES: &[(&str, &str)] = &[(
    "partials/wallet_offer.html",
    include_str!("../../templates/partials/wallet_offer.html"),
)];

/// The QR code of an offer's deep link as an inline SVG, labelled for assistive technology.
pub fn offer_qr_svg(offer: &CredentialOffer) -> Option<String> {
    crate::web::qr::qr_svg(&offer.offer_uri).map(|svg| {
        svg.replacen(
            "aria-label=\"QR code that opens this page\"",
            "aria-label=\"QR code of a credential offer for a wallet app\"",
            1,
        )
    })
}

/// The `wallet_offer` value the partial renders.
pub fn context(offer: &CredentialOffer) -> Value {
    json!({
        "deep_link": offer.offer_uri,
        "qr_svg": offer_qr_svg(offer),
        "expires_in_minutes": (offer.expires_in + 59) / 60,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

    fn offer() -> CredentialOffer {
        CredentialOffer {
            credential_id: "c1".into(),
            offer_uri: "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fbadges.example.org%2Foid4vci%2Facme%2Foffers%2Fx".into(),
            offer_by_value_uri: String::new(),
            credential_offer_uri: "https://badges.example.org/oid4vci/acme/offers/x".into(),
            credential_offer: json!({}),
            expires_at: 0,
            expires_in: 600,
        }
    }

    #[test]
    fn the_partial_renders_the_qr_code_and_the_deep_link() {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let html = env
            .get_template("partials/wallet_offer.html")
            .and_then(|t| t.render(minijinja::context! { wallet_offer => context(&offer()) }))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(html.contains("<svg role=\"img\""), "{html}");
        assert!(html.contains("credential offer for a wallet app"), "{html}");
        // minijinja escapes '/' in attributes as &#x2f;, which the browser reads back.
        assert!(html.contains("href=\"openid-credential-offer:"), "{html}");
        assert!(
            html.contains("?credential_offer_uri=https%3A%2F%2Fbadges.example.org%2Foid4vci"),
            "{html}"
        );
        assert!(html.contains("expires in 10 minutes"), "{html}");
        let none = env
            .get_template("partials/wallet_offer.html")
            .and_then(|t| t.render(minijinja::context! { wallet_offer => Value::Null }))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!none.contains("<section"));
    }
}
