"""Compatibility: boto3 as a Python backend uses Cognito, against a Cognate server (issue 10).

Usage: python3 test/python/compat_boto3.py http://127.0.0.1:PORT

For each case (TOTP MFA OFF, OPTIONAL and ON; app client with and without a secret, and clients
created with the legacy ExplicitAuthFlows names) it creates a pool and a user and runs the user's
life with boto3's own calls: AdminCreateUser with email_verified "True" (Python's str(True)),
InitiateAuth USER_PASSWORD_AUTH, TOTP enrolment (AssociateSoftwareToken, VerifySoftwareToken,
SetUserMFAPreference, or the MFA_SETUP challenge), a TOTP sign-in (RespondToAuthChallenge or
AdminInitiateAuth + AdminRespondToAuthChallenge), REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken,
GetUser, UpdateUserAttributes, ChangePassword, GlobalSignOut, and ForgotPassword (its code goes to
the email made verified with "True"). With a secret, every call that Cognito requires it on carries
SECRET_HASH (computed as AWS documents), and calls without it or with a wrong one are refused with
Cognito's messages.

TOTP codes are computed here (RFC 6238) at the real time: the server is the built `cognate serve`
on the real clock. Each user uses at most two codes, of two consecutive 30-second steps, so no case
waits for the clock.

Prints "ok [case] step: detail" per step, "case ok: [case]" per finished case, and "ALL OK" at the
end, exit 0; at the first misbehaviour "FAIL: ..." and exit 1. Driven by test/compat.boto3.test.ts.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys
import time
import traceback
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Changed-Horse-8"
MODERN_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class StepFailed(Exception):
    pass


def totp(secret_b32, at):
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) for a base32 secret at time `at` (seconds)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return str(code).zfill(6)


def secret_hash(username, client_id, client_secret):
    """Base64(HMAC-SHA256(client secret, username + client id)), as the Cognito developer guide gives it."""
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def check(condition, why):
    if not condition:
        raise StepFailed(why)


def expect_error(label, call, code, message):
    """Runs `call`, which must fail with this Cognito error code and message (HTTP 400)."""
    try:
        call()
    except ClientError as e:
        err = e.response["Error"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(err["Code"] == code, f"{label}: expected {code}, got {err['Code']}: {err.get('Message')}")
        check(err["Message"] == message, f"{label}: expected message {message!r}, got {err['Message']!r}")
        check(status == 400, f"{label}: expected HTTP 400, got {status}")
        return f"{code}: {message}"
    raise StepFailed(f"{label}: expected {code}, but the call succeeded")


def run_case(client, mfa, secret, flows=None):
    label = f"mfa={mfa} secret={'yes' if secret else 'no'}" + (f" legacy={','.join(flows)}" if flows else "")

    def step(name, detail=""):
        print(f"ok [{label}] {name}" + (f": {detail}" if detail else ""), flush=True)

    # --- pool, client, user -----------------------------------------------------------------
    pool_id = client.create_user_pool(PoolName=f"compat-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    if mfa != "OFF":
        client.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration=mfa)
    app = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="compat", GenerateSecret=secret, ExplicitAuthFlows=flows or MODERN_FLOWS
    )["UserPoolClient"]
    client_id = app["ClientId"]
    client_secret = app.get("ClientSecret")
    check(bool(client_secret) == secret, f"ClientSecret present: {bool(client_secret)}, expected {secret}")
    check(sorted(app["ExplicitAuthFlows"]) == sorted(flows or MODERN_FLOWS), f"ExplicitAuthFlows {app['ExplicitAuthFlows']}")
    step("pool and client", f"{pool_id} {client_id}")

    username = f"user-{uuid.uuid4().hex[:6]}"
    email = f"{username}@example.com"
    # "True", not "true": what Python code writes with str(True). Cognito accepts it.
    created = client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "True"}],
        MessageAction="SUPPRESS",
    )["User"]
    created_attrs = {a["Name"]: a["Value"] for a in created["Attributes"]}
    check(created_attrs.get("email_verified", "").lower() == "true", f"email_verified {created_attrs.get('email_verified')!r}")
    client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    got = client.admin_get_user(UserPoolId=pool_id, Username=username)
    check(got["UserStatus"] == "CONFIRMED", f"UserStatus {got['UserStatus']}")
    got_attrs = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    check(got_attrs.get("email_verified", "").lower() == "true", f"email_verified {got_attrs.get('email_verified')!r}")
    step("admin_create_user with email_verified 'True'", f"email_verified={got_attrs['email_verified']}")

    def with_hash(params, user=username):
        if client_secret:
            params = dict(params, SECRET_HASH=secret_hash(user, client_id, client_secret))
        return params

    # A client created with ["ADMIN_NO_SRP_AUTH"] has no USER_PASSWORD_AUTH: the backend signs in
    # with AdminInitiateAuth and the legacy flow name.
    admin_only = flows == ["ADMIN_NO_SRP_AUTH"]

    def password_auth(password=PASSWORD):
        params = with_hash({"USERNAME": username, "PASSWORD": password})
        if admin_only:
            return client.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_NO_SRP_AUTH", AuthParameters=params)
        return client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)

    def respond(name, session, responses):
        return client.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName=name, Session=session, ChallengeResponses=with_hash(dict(responses, USERNAME=username))
        )

    def tokens_of(answer, what):
        result = answer.get("AuthenticationResult")
        check(result and result.get("AccessToken") and result.get("IdToken") and result.get("RefreshToken"), f"{what}: no tokens in {answer}")
        check(jwt_claims(result["AccessToken"])["username"] == username, f"{what}: access token for another user")
        check(jwt_claims(result["AccessToken"])["client_id"] == client_id, f"{what}: access token for another client")
        return result

    # --- a client secret is required, and must be right --------------------------------------
    if client_secret:
        no_hash = {"USERNAME": username, "PASSWORD": PASSWORD}
        step(
            "initiate_auth without SECRET_HASH",
            expect_error(
                "initiate_auth without SECRET_HASH",
                lambda: client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=no_hash),
                "NotAuthorizedException",
                f"Client {client_id} is configured with secret but SECRET_HASH was not received",
            ),
        )
        wrong = dict(no_hash, SECRET_HASH=secret_hash(username, client_id, client_secret + "x"))
        step(
            "initiate_auth with a wrong SECRET_HASH",
            expect_error(
                "initiate_auth with a wrong SECRET_HASH",
                lambda: client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=wrong),
                "NotAuthorizedException",
                f"Unable to verify secret hash for client {client_id}",
            ),
        )

    # --- sign in, with TOTP as the pool has it ------------------------------------------------
    first = password_auth()
    totp_secret = None
    if mfa == "OFF":
        tokens = tokens_of(first, "sign-in")
        step("admin_initiate_auth ADMIN_NO_SRP_AUTH" if admin_only else "initiate_auth USER_PASSWORD_AUTH", "tokens issued")
    elif mfa == "OPTIONAL":
        tokens = tokens_of(first, "initiate_auth before enrolment")
        step("initiate_auth USER_PASSWORD_AUTH before enrolment", "tokens issued")
        totp_secret = client.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
        check(len(totp_secret) == 52, f"SecretCode {totp_secret!r}")
        used = time.time()
        verified = client.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp(totp_secret, used), FriendlyDeviceName="phone")
        check(verified["Status"] == "SUCCESS", f"Status {verified.get('Status')}")
        client.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
        me = client.get_user(AccessToken=tokens["AccessToken"])
        check(me.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA", f"PreferredMfaSetting {me.get('PreferredMfaSetting')}")
        step("associate, verify, set_user_mfa_preference", "SOFTWARE_TOKEN_MFA preferred")
        # The server-side sign-in of a backend: AdminInitiateAuth, then the code.
        challenge = client.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters=with_hash({"USERNAME": username, "PASSWORD": PASSWORD}),
        )
        check(challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"ChallengeName {challenge.get('ChallengeName')}")
        check("AuthenticationResult" not in challenge, "tokens before the code")
        answer = client.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses=with_hash({"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": totp(totp_secret, used + 30)}),
        )
        tokens = tokens_of(answer, "admin_respond_to_auth_challenge")
        step("admin_initiate_auth + admin_respond_to_auth_challenge SOFTWARE_TOKEN_MFA", "tokens issued")
    else:
        check(first.get("ChallengeName") == "MFA_SETUP", f"ChallengeName {first.get('ChallengeName')}")
        check(json.loads(first["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"], f"{first['ChallengeParameters']}")
        associated = client.associate_software_token(Session=first["Session"])
        totp_secret = associated["SecretCode"]
        used = time.time()
        verified = client.verify_software_token(Session=associated["Session"], UserCode=totp(totp_secret, used), FriendlyDeviceName="phone")
        check(verified["Status"] == "SUCCESS", f"Status {verified.get('Status')}")
        tokens_of(respond("MFA_SETUP", verified["Session"], {}), "respond_to_auth_challenge MFA_SETUP")
        step("MFA_SETUP: associate and verify with the session, respond_to_auth_challenge", "tokens issued")
        challenge = password_auth()
        check(challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"ChallengeName {challenge.get('ChallengeName')}")
        step(
            "respond_to_auth_challenge replaying the enrolment code",
            expect_error(
                "replay",
                lambda: respond("SOFTWARE_TOKEN_MFA", challenge["Session"], {"SOFTWARE_TOKEN_MFA_CODE": totp(totp_secret, used)}),
                "ExpiredCodeException",
                "Your software token has already been used once.",
            ),
        )
        tokens = tokens_of(
            respond("SOFTWARE_TOKEN_MFA", challenge["Session"], {"SOFTWARE_TOKEN_MFA_CODE": totp(totp_secret, used + 30)}),
            "respond_to_auth_challenge SOFTWARE_TOKEN_MFA",
        )
        step("initiate_auth + respond_to_auth_challenge SOFTWARE_TOKEN_MFA", "tokens issued")

    access = tokens["AccessToken"]
    refresh = tokens["RefreshToken"]
    sub = jwt_claims(access)["sub"]
    check(jwt_claims(tokens["IdToken"]).get("email_verified") is True, f"ID token email_verified {jwt_claims(tokens['IdToken']).get('email_verified')!r}")
    step("ID token", "email_verified: true")

    # --- refresh, both ways ---------------------------------------------------------------------
    refreshed = client.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=with_hash({"REFRESH_TOKEN": refresh})
    )["AuthenticationResult"]
    check(refreshed.get("AccessToken") and refreshed.get("IdToken"), f"refresh gave {refreshed}")
    check("RefreshToken" not in refreshed, "REFRESH_TOKEN_AUTH returned a refresh token without rotation")
    check(jwt_claims(refreshed["AccessToken"])["sub"] == sub, "refreshed token for another user")
    check(client.get_user(AccessToken=refreshed["AccessToken"])["Username"] == username, "get_user with the refreshed token")
    step("initiate_auth REFRESH_TOKEN_AUTH", "new access and ID tokens")

    if client_secret:
        step(
            "REFRESH_TOKEN_AUTH without SECRET_HASH",
            expect_error(
                "REFRESH_TOKEN_AUTH without SECRET_HASH",
                lambda: client.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}),
                "NotAuthorizedException",
                f"Client {client_id} is configured with secret but SECRET_HASH was not received",
            ),
        )

    extra = {"ClientSecret": client_secret} if client_secret else {}
    rotated = client.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=client_id, **extra)["AuthenticationResult"]
    check(rotated.get("AccessToken") and rotated.get("IdToken"), f"get_tokens_from_refresh_token gave {rotated}")
    check(jwt_claims(rotated["AccessToken"])["sub"] == sub, "token for another user")
    step("get_tokens_from_refresh_token", "new access and ID tokens")

    # --- the user's own calls -------------------------------------------------------------------
    me = client.get_user(AccessToken=access)
    attrs = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    check(attrs.get("email") == email and attrs.get("sub") == sub, f"attributes {attrs}")
    check((me.get("UserMFASettingList") or []) == ([] if mfa == "OFF" else ["SOFTWARE_TOKEN_MFA"]), f"UserMFASettingList {me.get('UserMFASettingList')}")
    step("get_user", ", ".join(sorted(attrs)))

    client.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "name", "Value": "Py Example"}])
    attrs = {a["Name"]: a["Value"] for a in client.get_user(AccessToken=access)["UserAttributes"]}
    check(attrs.get("name") == "Py Example", f"name {attrs.get('name')!r}")
    step("update_user_attributes", "name set")

    client.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    expect_error("old password", lambda: password_auth(PASSWORD), "NotAuthorizedException", "Incorrect username or password.")
    after_change = password_auth(NEW_PASSWORD)
    if mfa == "OFF":
        tokens_of(after_change, "sign-in with the new password")
    else:
        check(after_change.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"ChallengeName {after_change.get('ChallengeName')}")
    step("change_password", "old password refused, new one accepted")

    client.global_sign_out(AccessToken=access)
    for token in (access, refreshed["AccessToken"], rotated["AccessToken"]):
        expect_error("get_user after global_sign_out", lambda: client.get_user(AccessToken=token), "NotAuthorizedException", "Access Token has been revoked")
    expect_error(
        "refresh after global_sign_out",
        lambda: client.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=with_hash({"REFRESH_TOKEN": refresh})),
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )
    step("global_sign_out", "access and refresh tokens revoked")

    # The email typed as verified with "True" is where a forgotten password's code goes.
    forgot = client.forgot_password(ClientId=client_id, Username=username, **({"SecretHash": secret_hash(username, client_id, client_secret)} if client_secret else {}))
    delivery = forgot["CodeDeliveryDetails"]
    check(delivery.get("DeliveryMedium") == "EMAIL" and delivery.get("AttributeName") == "email", f"CodeDeliveryDetails {delivery}")
    check(delivery.get("Destination", "").startswith(username[0]) and delivery["Destination"] != email, f"Destination {delivery.get('Destination')!r}")
    step("forgot_password", f"code sent by EMAIL to {delivery['Destination']}")

    client.delete_user_pool(UserPoolId=pool_id)
    print(f"case ok: [{label}]", flush=True)


def main(url):
    client = boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDCOGNATECOMPAT",
        aws_secret_access_key="compat-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    for mfa in ("OFF", "OPTIONAL", "ON"):
        for secret in (False, True):
            run_case(client, mfa, secret)
    run_case(client, "OFF", False, ["ADMIN_NO_SRP_AUTH"])
    run_case(client, "OFF", True, ["USER_PASSWORD_AUTH"])
    print("ALL OK", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: compat_boto3.py URL", file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1])
    except StepFailed as e:
        print(f"FAIL: {e}", flush=True)
        traceback.print_exc()
        sys.exit(1)
    except ClientError as e:
        err = e.response["Error"]
        print(f"FAIL: unexpected {err.get('Code')}: {err.get('Message')} ({e.operation_name})", flush=True)
        traceback.print_exc()
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - any other failure is a failed run
        print(f"FAIL: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
        sys.exit(1)
