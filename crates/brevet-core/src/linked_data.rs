//! The bridge from credentials to canonical RDF: JSON-LD to RDF with the pinned contexts, in safe
//! mode and with no base IRI, then RDFC-1.0.
//!
//! A [`LinkedData`] owns a JSON-LD processor whose context cache lives as long as it does; use
//! [`LinkedData::shared`] everywhere except where extra documents must be served (tests).

mod config_template;

use std::sync::{Arc, OnceLock, RwLock};

use brevet_jsonld::{JsonLdError, Options, Processor};
use brevet_rdf::{CanonError, CanonOptions, Canonical, Quad};
use serde_json::{Map, Value};

use config_template::{CAPACITY, ConfigTemplate, shortcut_created};

use crate::contexts::PinnedLoader;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkedDataError {
    #[error("JSON-LD: {0}")]
    JsonLd(#[from] JsonLdError),
    #[error(transparent)]
    Canon(#[from] CanonError),
}

/// JSON-LD processing and canonicalization over the pinned contexts.
pub struct LinkedData {
    processor: Processor,
    /// The documents the processor may load (kept to answer [`LinkedData::serves_context`]).
    loader: Arc<PinnedLoader>,
    canon: CanonOptions,
    /// Canonical proof configurations by shape (see [`LinkedData::canonicalize_proof_config`]).
    config_templates: RwLock<Vec<ConfigTemplate>>,
}

impl std::fmt::Debug for LinkedData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkedData")
            .field("extra_contexts", &self.loader.extra_urls())
            .finish_non_exhaustive()
    }
}

impl LinkedData {
    /// A processor over the pinned contexts plus the loader's extra documents.
    pub fn new(loader: PinnedLoader) -> Self {
        let loader = Arc::new(loader);
        LinkedData {
            processor: Processor::new(Arc::clone(&loader) as Arc<dyn brevet_jsonld::DocumentLoader>),
            loader,
            canon: CanonOptions::default(),
            config_templates: RwLock::new(Vec::new()),
        }
    }

    /// The process-wide instance over the pinned contexts only.
    pub fn shared() -> &'static LinkedData {
        static SHARED: OnceLock<LinkedData> = OnceLock::new();
        SHARED.get_or_init(|| LinkedData::new(PinnedLoader::new()))
    }

    /// Whether a context URL is one this instance serves (pinned, or an extra document).
    pub fn serves_context(&self, url: &str) -> bool {
        self.loader.serves(url)
    }

    fn options() -> Options {
        Options {
            safe_mode: true,
            // As jsonld.js reads them: credentials signed by the JavaScript stack use the form.
            unwrap_wrapped_contexts: true,
            ..Options::default()
        }
    }

    /// Expands a document (safe mode, no base IRI).
    pub fn expand(&self, document: &Value) -> Result<Value, LinkedDataError> {
        Ok(self.processor.expand(document, &Self::options())?)
    }

    /// Whether [`LinkedData::expand`] succeeds, with its error if not, without building the
    /// expanded document (the data-loss check of documents signed without JSON-LD).
    pub fn check_lossless(&self, document: &Value) -> Result<(), LinkedDataError> {
        Ok(self.processor.check_lossless(document, &Self::options())?)
    }

    /// Converts a document to RDF (safe mode, no base IRI).
    pub fn to_rdf(&self, document: &Value) -> Result<Vec<Quad>, LinkedDataError> {
        Ok(self.processor.to_rdf(document, &Self::options())?)
    }

    /// JSON-LD to RDF, then RDFC-1.0 with the work limit.
    pub fn canonicalize(&self, document: &Value) -> Result<Canonical, LinkedDataError> {
        let canonical = self
            .processor
            .to_rdf_with(document, &Self::options(), |quads| {
                brevet_rdf::canonicalize(quads, &self.canon)
            })?;
        Ok(canonical?)
    }

    /// The canonical N-Quads of [`LinkedData::canonicalize`] without the blank node identifier
    /// map: the fast path for signing and verifying.
    pub fn canonical_nquads(&self, document: &Value) -> Result<String, LinkedDataError> {
        let mut nquads = String::new();
        self.processor
            .to_rdf_with(document, &Self::options(), |quads| {
                brevet_rdf::canonicalize_into(quads, &self.canon, &mut nquads)
            })??;
        Ok(nquads)
    }

    /// The canonical N-Quads of a proof configuration given the document's `@context` (the
    /// configuration's own `@context`, if any, is replaced): exactly what
    /// [`LinkedData::canonicalize`] gives for the configuration with that context, reusing the
    /// result for an earlier configuration that differed only in `created` when that is provably
    /// the same computation (see `config_template`).
    pub fn canonicalize_proof_config(
        &self,
        config: &Map<String, Value>,
        context: Option<&Value>,
    ) -> Result<String, LinkedDataError> {
        let created = shortcut_created(config, context);
        if let (Some(created), Some(context)) = (created, context)
            && let Ok(templates) = self.config_templates.read()
            && let Some(nquads) = templates
                .iter()
                .find(|template| template.matches(config, context))
                .and_then(|template| template.fill(created))
        {
            return Ok(nquads);
        }
        let mut with_context = config.clone();
        match context {
            Some(context) => {
                with_context.insert("@context".to_owned(), context.clone());
            }
            None => {
                with_context.remove("@context");
            }
        }
        let nquads = self.canonicalize(&Value::Object(with_context))?.nquads;
        if let (Some(created), Some(context)) = (created, context)
            && let Some(template) = ConfigTemplate::new(config, context, created, &nquads)
            && let Ok(mut templates) = self.config_templates.write()
        {
            if templates.len() >= CAPACITY {
                templates.remove(0);
            }
            templates.push(template);
        }
        Ok(nquads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_nquads_match_canonicalize_and_to_rdf() {
        let document = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": {"id": "did:example:issuer", "name": "Issuer"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"name": "Subject", "description": "two\nlines"}
        });
        let ld = LinkedData::shared();
        let canonical = ld.canonicalize(&document).unwrap();
        assert_eq!(ld.canonical_nquads(&document).unwrap(), canonical.nquads);
        let quads = ld.to_rdf(&document).unwrap();
        assert_eq!(
            brevet_rdf::canonicalize(&quads, &CanonOptions::default()).unwrap(),
            canonical
        );
        assert_eq!(canonical.issued.len(), 2);
        assert_eq!(canonical.nquads.lines().count(), quads.len());
    }
}
