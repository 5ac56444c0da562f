from elicense.models.authorisations import (
    Authorisation,
    AuthorisationState,
    AuthorisationStatus,
    Matter,
)
from elicense.models.badges import Badge
from elicense.models.certificates import Certificate, CertificateKind, CertificateStatus
from elicense.models.changes import (
    FEED_COUNTER,
    ChangeEvent,
    ChangeType,
    EndpointStatus,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from elicense.models.keys import KeyAlgorithm, SigningKey, SigningKeyStatus
from elicense.models.login_challenges import ChallengeStatus, LoginChallenge
from elicense.models.oidc import IdTokenAlgorithm, OidcClient, OidcConsent, OidcSignIn
from elicense.models.presentations import PresentationCode
from elicense.models.relying_parties import RelyingParty, RelyingPartyStatus
from elicense.models.signatures import EntityKey, SignedDocument
from elicense.models.verifications import (
    Verification,
    VerificationChannel,
    VerificationResult,
)

__all__ = [
    "ChangeEvent",
    "ChangeType",
    "EndpointStatus",
    "FEED_COUNTER",
    "Subscription",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Badge",
    "Authorisation",
    "AuthorisationState",
    "AuthorisationStatus",
    "Matter",
    "Certificate",
    "CertificateKind",
    "CertificateStatus",
    "EntityKey",
    "KeyAlgorithm",
    "SignedDocument",
    "ChallengeStatus",
    "LoginChallenge",
    "IdTokenAlgorithm",
    "OidcClient",
    "OidcConsent",
    "OidcSignIn",
    "PresentationCode",
    "RelyingParty",
    "RelyingPartyStatus",
    "SigningKey",
    "SigningKeyStatus",
    "Verification",
    "VerificationChannel",
    "VerificationResult",
]
