//! Proof errors, each carrying the W3C Data Integrity error code ([`ProofError::code`]).

use crate::linked_data::LinkedDataError;

/// Why a proof could not be created or did not verify.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofError {
    #[error("{0} is not a JSON object")]
    NotAnObject(&'static str),
    #[error("document has no proof")]
    NoProof,
    #[error("proof has no {0}")]
    MissingProperty(&'static str),
    #[error("proof {field} {reason}")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
    #[error("unsupported proof type \"{0}\" (expected DataIntegrityProof or Ed25519Signature2020)")]
    UnsupportedProofType(String),
    #[error("unsupported cryptosuite \"{0}\" (expected eddsa-rdfc-2022 or eddsa-jcs-2022)")]
    UnsupportedCryptosuite(String),
    #[error("proof mixes suites: {0}")]
    SuiteConfusion(&'static str),
    #[error("proofValue {0}")]
    MalformedProofValue(String),
    #[error(
        "proof {field} \"{value}\" is not an XSD dateTimeStamp (YYYY-MM-DDThh:mm:ss with a timezone)"
    )]
    InvalidDateTime { field: &'static str, value: String },
    #[error(
        "signature does not verify: the document or the proof options were changed, or the key is wrong"
    )]
    SignatureMismatch,
    #[error("eddsa-jcs-2022: the document's @context does not start with the proof's @context")]
    ContextMismatch,
    #[error("previousProof \"{0}\" names no proof of the document")]
    MissingPreviousProof(String),
    #[error("proofPurpose is \"{found}\", expected \"{expected}\"")]
    PurposeMismatch { expected: String, found: String },
    #[error("JSON-LD processing would lose data (undefined term or relative IRI): {0}")]
    DataLoss(String),
    #[error("transformation failed: {0}")]
    Transformation(String),
    #[error("proof generation failed: {0}")]
    Generation(String),
    #[error("invalid proof configuration: {0}")]
    InvalidConfiguration(String),
}

impl ProofError {
    /// The W3C error code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::NoProof
            | ProofError::MissingProperty(_)
            | ProofError::UnsupportedProofType(_)
            | ProofError::UnsupportedCryptosuite(_)
            | ProofError::SuiteConfusion(_)
            | ProofError::SignatureMismatch
            | ProofError::ContextMismatch
            | ProofError::MissingPreviousProof(_)
            | ProofError::PurposeMismatch { .. } => "PROOF_VERIFICATION_ERROR",
            ProofError::NotAnObject(_)
            | ProofError::InvalidField { .. }
            | ProofError::MalformedProofValue(_)
            | ProofError::InvalidDateTime { .. } => "MALFORMED_PROOF_ERROR",
            ProofError::DataLoss(_) => "DATA_LOSS_DETECTION_ERROR",
            ProofError::Transformation(_) => "PROOF_TRANSFORMATION_ERROR",
            ProofError::Generation(_) => "PROOF_GENERATION_ERROR",
            ProofError::InvalidConfiguration(_) => "INVALID_PROOF_CONFIGURATION",
        }
    }

    /// On the signing side a transformation failure is a generation failure (data loss stays
    /// data loss: the issuer must refuse to sign what would not be signed).
    pub(crate) fn into_generation(self) -> ProofError {
        match self {
            ProofError::Transformation(reason) => ProofError::Generation(reason),
            other => other,
        }
    }
}

/// Whether a JSON-LD error code means safe mode refused to drop data.
fn is_safe_mode_code(code: &str) -> bool {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    normalized.contains("safemode") || normalized.contains("dataloss")
}

impl From<LinkedDataError> for ProofError {
    fn from(error: LinkedDataError) -> Self {
        match &error {
            LinkedDataError::JsonLd(json_ld) if is_safe_mode_code(json_ld.code.0) => {
                ProofError::DataLoss(error.to_string())
            }
            _ => ProofError::Transformation(error.to_string()),
        }
    }
}
