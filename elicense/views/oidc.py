"""Sign-in for connected systems (ADR 0025): the authorization endpoint with the portal's
entity choice, refusal and consent pages; discovery and the JWKS; RP-initiated logout; the
enterprise withdrawing a consent. The protocol itself is django-oauth-toolkit's."""

import base64
import json
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import (
    AuthorizationView,
    ConnectDiscoveryInfoView,
    RPInitiatedLogoutView,
    TokenView,
)
from oauthlib.common import add_params_to_uri
from oauthlib.openid.connect.core.exceptions import (
    AccountSelectionRequired,
    ConsentRequired,
    InteractionRequired,
)

from elicense.forms.oidc import ConsentForm
from elicense.models import OidcConsent
from elicense.queries.oidc import acting_entities, live_consent, sign_in_decision
from elicense.services import oidc as oidc_services

#: What the consent page says each scope lets the system learn, in plain Chinese.
SCOPE_TEXT = settings.OAUTH2_PROVIDER["SCOPES"]


def _with_form_action(response, *uris):
    """The consent and logout pages post to the portal, which redirects to the system:
    Chromium applies CSP form-action to that redirect, so the system's origin is allowed."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
    origins = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, uris) if p.scheme and p.netloc}
    if policy and origins:
        response["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", "form-action 'self' " + " ".join(sorted(origins))
        )
    return response


class PortalAuthorizationView(AuthorizationView):
    """GET: validate the request (DOT), then for whom (choice), whether (refusal) and what
    the user agrees to (consent, remembered per system and entity). POST: the consent."""

    template_name = "elicense/oidc/consent.html"
    form_class = ConsentForm
    decision = None

    def validate_authorization_request(self, request):
        """DOT's validation (also for ``prompt=none`` while signed out, where DOT answers
        ``login_required``); a protocol error is audited, bounded per address and minute."""
        try:
            return super().validate_authorization_request(request)
        except OAuthToolkitError as error:
            oauthlib_error = error.oauthlib_error
            oidc_services.record_oidc_authorize_error(
                acting_user=request.user,
                error=oauthlib_error.error,
                description=oauthlib_error.description,
                request_fields=request.GET,
            )
            raise

    def get(self, request, *args, **kwargs):
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        prompt = set(request.GET.get("prompt", "").split())
        if "login" in prompt:
            return self.handle_prompt_login()
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        client = application.portal_client
        entities = acting_entities(request.user)
        if not entities:
            return self._refuse(
                client,
                credentials,
                "只有企业用户可以用电子营业执照登录应用系统，请换用企业账号登录。",
                silent="none" in prompt,
            )
        entity = next((e for e in entities if e.uscc == request.GET.get("entity")), None)
        if entity is None and len(entities) == 1:
            entity = entities[0]
        if entity is None:
            if "none" in prompt:
                return self._prompt_error(AccountSelectionRequired, credentials, application)
            query = request.GET.copy()
            choices = []
            for option in entities:
                query["entity"] = option.uscc
                choices.append((option, f"{request.path}?{query.urlencode()}"))
            return render(
                request,
                "elicense/oidc/choose_entity.html",
                {"client": client, "choices": choices},
            )
        self.decision = sign_in_decision(request.user, client, entity)
        if not self.decision.allowed:
            return self._refuse(
                client, credentials, self.decision.refusal, entity.uscc, silent="none" in prompt
            )
        consent = live_consent(request.user, client, entity.uscc)
        if consent is not None and consent.covers(scopes):
            return self._issue(application, scopes, credentials)
        if "none" in prompt:
            return self._prompt_error(ConsentRequired, credentials, application)
        self.oauth2_data = {
            **credentials,
            "scopes": scopes,
            "claims": json.dumps(credentials["claims"]) if credentials.get("claims") else None,
        }
        form = self.get_form(self.get_form_class())
        form.initial["entity"] = entity.uscc
        response = render(
            request,
            self.template_name,
            {
                "form": form,
                "client": client,
                "entity": entity,
                "decision": self.decision,
                "scopes": [(scope, SCOPE_TEXT[scope]) for scope in scopes],
                "access_days": settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"] // 86400,
            },
        )
        return _with_form_action(response, credentials["redirect_uri"])

    def _prompt_error(self, error_class, credentials, application):
        """``prompt=none`` and the user must choose, consent or see a refusal: the system is
        told so (not audited as a protocol error: the request itself was sound)."""
        error = error_class(state=credentials.get("state"))
        return self.error_response(
            OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]), application
        )

    def _issue(self, application, scopes, credentials):
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=self.request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def _refuse(self, client, credentials, reason, entity_uscc="", *, silent=False):
        """The refusal page, audited; under ``prompt=none`` (``silent``) no page may be
        shown, so the system hears ``interaction_required`` (OIDC Core 3.1.2.6)."""
        oidc_services.record_oidc_refusal(
            acting_user=self.request.user, client=client, reason=reason, entity_uscc=entity_uscc
        )
        if silent:
            return self._prompt_error(InteractionRequired, credentials, client.application)
        params = [
            ("error", "access_denied"),
            ("error_description", "sign-in refused by the portal"),
        ]
        if credentials.get("state"):
            params.append(("state", credentials["state"]))
        return render(
            self.request,
            "elicense/oidc/refused.html",
            {
                "client": client,
                "reason": reason,
                "back": add_params_to_uri(credentials["redirect_uri"], params),
            },
            status=403,
        )

    def create_authorization_response(self, request, scopes, credentials, allow):
        credentials = {**credentials, "portal_decision": self.decision}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def form_valid(self, form):
        application = (
            get_application_model()
            .objects.filter(client_id=form.cleaned_data["client_id"])
            .select_related("portal_client")
            .first()
        )
        if application is None:
            raise Http404("应用系统不存在。")
        client = application.portal_client
        entities = acting_entities(self.request.user)
        entity = next((e for e in entities if e.uscc == form.cleaned_data["entity"]), None)
        if entity is None:
            raise Http404("不能代表该主体登录。")
        self.decision = sign_in_decision(self.request.user, client, entity)
        credentials = {
            "redirect_uri": form.cleaned_data["redirect_uri"],
            "state": form.cleaned_data.get("state"),
        }
        if not self.decision.allowed:
            return self._refuse(client, credentials, self.decision.refusal, entity.uscc)
        if form.cleaned_data.get("allow"):
            oidc_services.grant_oidc_consent(
                acting_user=self.request.user,
                client=client,
                entity_uscc=entity.uscc,
                scopes=form.cleaned_data["scope"].split(),
            )
        else:
            oidc_services.record_oidc_refusal(
                acting_user=self.request.user, client=client, reason="user_denied",
                entity_uscc=entity.uscc,
            )  # fmt: skip
        return super().form_valid(form)


class PortalTokenView(TokenView):
    """DOT's token endpoint; every refusal is audited with the error the system got."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            try:
                error = json.loads(response.content).get("error", "")
            except ValueError:
                error = ""
            client_id = request.POST.get("client_id", "")
            if not client_id and request.headers.get("Authorization", "").startswith("Basic "):
                client_id = _basic_client_id(request.headers["Authorization"])
            oidc_services.record_oidc_token_refusal(
                client_id=client_id, grant_type=request.POST.get("grant_type", ""), error=error
            )
        return response


def _basic_client_id(header: str) -> str:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
    return unquote(decoded.split(":", 1)[0])


class PortalDiscoveryView(ConnectDiscoveryInfoView):
    """DOT's discovery document with what this provider actually signs and shares."""

    def get(self, request, *args, **kwargs):
        document = json.loads(super().get(request, *args, **kwargs).content)
        document |= {
            "id_token_signing_alg_values_supported": [
                alg.value for alg in oidc_services.KEY_FOR_ALGORITHM
            ],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": ["S256"],
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "ui_locales_supported": ["zh-CN"],
        }
        document["claims_supported"] = sorted(set(document["claims_supported"]))
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        return response


def jwks(request):
    """Every key an ID token may be signed with, active and retired (key rotation)."""
    response = JsonResponse(oidc_services.public_jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response


class PortalLogoutView(RPInitiatedLogoutView):
    """RP-initiated logout: DOT's, with the portal's page and an audit row."""

    template_name = "elicense/oidc/logout_confirm.html"

    def do_logout(
        self, application=None, post_logout_redirect_uri=None, state=None, token_user=None
    ):
        user = token_user or self.request.user
        oidc_services.record_oidc_logout(acting_user=user, application=application)
        return super().do_logout(application, post_logout_redirect_uri, state, token_user)


@login_required
@require_POST
def consent_revoke(request, pk):
    """From the enterprise's page: withdraw a system's consent (its user, or the legal
    representative of the entity); another entity's consent answers 404."""
    user = request.user
    consent = get_object_or_404(OidcConsent.objects.visible_to(user), pk=pk)
    try:
        oidc_services.revoke_oidc_consent(acting_user=user, consent=consent)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"已撤回对“{consent.client.system_name}”的登录授权。")
    return redirect("elicense:my_certificates")
