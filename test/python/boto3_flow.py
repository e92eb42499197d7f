"""A real boto3 client against a Cognate server: the core user flow and a TOTP enrolment.

Usage: python3 test/python/boto3_flow.py http://127.0.0.1:PORT

Prints one line per step ("ok <step>: <detail>") and exits 0 when every step behaves as
Amazon Cognito does; prints "FAIL <step>: <why>" and exits 1 at the first step that does not.
Driven by test/e2e.boto3.test.ts.
"""

import base64
import hashlib
import hmac
import struct
import sys
import time
import traceback
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "New-Password-2"


class StepFailed(Exception):
    pass


def totp(secret_b32, at=None, digits=6, period=30):
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) for a base32 secret at time `at` (seconds)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


def check(condition, why):
    if not condition:
        raise StepFailed(why)


def step(name, detail=""):
    print(f"ok {name}" + (f": {detail}" if detail else ""), flush=True)


def expect_error(name, call, code, message):
    """Runs `call`, which must fail with this Cognito error code and message (HTTP 400)."""
    try:
        call()
    except ClientError as e:
        err = e.response["Error"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(err["Code"] == code, f"expected {code}, got {err['Code']}: {err.get('Message')}")
        check(err["Message"] == message, f"expected message {message!r}, got {err['Message']!r}")
        check(status == 400, f"expected HTTP 400, got {status}")
        step(name, f"{code}: {message}")
        return
    raise StepFailed(f"expected {code}, but the call succeeded")


def main(url):
    client = boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    suffix = uuid.uuid4().hex[:8]

    # --- pool and client -------------------------------------------------------------------
    pool = client.create_user_pool(PoolName=f"boto3-{suffix}")["UserPool"]
    pool_id = pool["Id"]
    check(pool_id.startswith("us-east-1_"), f"pool id {pool_id!r} is not region_ID")
    check(pool["Name"] == f"boto3-{suffix}", f"pool name {pool['Name']!r}")
    step("create_user_pool", pool_id)

    app = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="boto3-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id = app["ClientId"]
    check(app["UserPoolId"] == pool_id, "client is in another pool")
    check(
        sorted(app["ExplicitAuthFlows"])
        == sorted(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
        f"ExplicitAuthFlows {app['ExplicitAuthFlows']}",
    )
    check("ClientSecret" not in app, "a client without GenerateSecret has a secret")
    step("create_user_pool_client", client_id)

    # --- sign up, confirm, sign in ---------------------------------------------------------
    signed_up = client.sign_up(
        ClientId=client_id,
        Username="alice",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    check(signed_up["UserConfirmed"] is False, "UserConfirmed should be False before confirmation")
    sub = signed_up["UserSub"]
    check(len(sub) == 36, f"UserSub {sub!r}")
    step("sign_up", sub)

    def password_auth(password):
        return client.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": password},
        )

    expect_error("initiate_auth before confirmation", lambda: password_auth(PASSWORD), "UserNotConfirmedException", "User is not confirmed.")

    client.admin_confirm_sign_up(UserPoolId=pool_id, Username="alice")
    status = client.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"]
    check(status == "CONFIRMED", f"UserStatus {status}")
    step("admin_confirm_sign_up", status)

    result = password_auth(PASSWORD)["AuthenticationResult"]
    check(result["TokenType"] == "Bearer", f"TokenType {result.get('TokenType')}")
    check(result["ExpiresIn"] == 3600, f"ExpiresIn {result.get('ExpiresIn')}")
    for token in ("AccessToken", "IdToken", "RefreshToken"):
        check(result.get(token), f"no {token}")
    check(result["AccessToken"].count(".") == 2, "the access token is not a JWT")
    access = result["AccessToken"]
    step("initiate_auth USER_PASSWORD_AUTH", "tokens issued")

    me = client.get_user(AccessToken=access)
    check(me["Username"] == "alice", f"Username {me['Username']}")
    attrs = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    check(attrs.get("sub") == sub, f"sub {attrs.get('sub')} != {sub}")
    check(attrs.get("email") == "alice@example.com", f"email {attrs.get('email')}")
    step("get_user", ", ".join(sorted(attrs)))

    expect_error(
        "initiate_auth with a wrong password",
        lambda: password_auth("Wrong-Pass-1"),
        "NotAuthorizedException",
        "Incorrect username or password.",
    )

    # --- change password -------------------------------------------------------------------
    client.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    step("change_password")
    expect_error(
        "initiate_auth with the old password",
        lambda: password_auth(PASSWORD),
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    result = password_auth(NEW_PASSWORD)["AuthenticationResult"]
    access = result["AccessToken"]
    step("initiate_auth with the new password", "tokens issued")

    admin_auth = client.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": NEW_PASSWORD},
    )
    check(admin_auth["AuthenticationResult"].get("IdToken"), "admin_initiate_auth gave no IdToken")
    step("admin_initiate_auth ADMIN_USER_PASSWORD_AUTH", "tokens issued")

    # --- TOTP enrolment --------------------------------------------------------------------
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    mfa = client.get_user_pool_mfa_config(UserPoolId=pool_id)
    check(mfa["MfaConfiguration"] == "OPTIONAL", f"MfaConfiguration {mfa.get('MfaConfiguration')}")
    check(mfa["SoftwareTokenMfaConfiguration"]["Enabled"] is True, "software token MFA not enabled")
    step("set_user_pool_mfa_config", "OPTIONAL, TOTP enabled")

    # OPTIONAL and nothing enabled for the user: still no challenge.
    plain = password_auth(NEW_PASSWORD)
    check("AuthenticationResult" in plain and "ChallengeName" not in plain, f"unexpected challenge {plain.get('ChallengeName')}")
    access = plain["AuthenticationResult"]["AccessToken"]
    step("initiate_auth before TOTP enrolment", "no challenge")

    secret = client.associate_software_token(AccessToken=access)["SecretCode"]
    check(len(secret) == 52 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in secret), f"SecretCode {secret!r}")
    step("associate_software_token", f"{len(secret)}-character base32 secret")

    wrong = str((int(totp(secret)) + 500000) % 1000000).zfill(6)
    expect_error(
        "verify_software_token with a wrong code",
        lambda: client.verify_software_token(AccessToken=access, UserCode=wrong),
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )

    verify_time = time.time()
    verified = client.verify_software_token(AccessToken=access, UserCode=totp(secret, verify_time), FriendlyDeviceName="boto3-phone")
    check(verified["Status"] == "SUCCESS", f"Status {verified.get('Status')}")
    step("verify_software_token", verified["Status"])

    client.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    me = client.get_user(AccessToken=access)
    check(me.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA", f"PreferredMfaSetting {me.get('PreferredMfaSetting')}")
    check(me.get("UserMFASettingList") == ["SOFTWARE_TOKEN_MFA"], f"UserMFASettingList {me.get('UserMFASettingList')}")
    step("set_user_mfa_preference", "SOFTWARE_TOKEN_MFA preferred")

    challenge = password_auth(NEW_PASSWORD)
    check(challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"ChallengeName {challenge.get('ChallengeName')}")
    check("AuthenticationResult" not in challenge, "tokens issued before the MFA answer")
    check(20 <= len(challenge["Session"]) <= 2048, "Session length outside 20-2048")
    params = challenge["ChallengeParameters"]
    check(params.get("FRIENDLY_DEVICE_NAME") == "boto3-phone", f"FRIENDLY_DEVICE_NAME {params.get('FRIENDLY_DEVICE_NAME')}")
    check(params.get("USER_ID_FOR_SRP"), "no USER_ID_FOR_SRP")
    step("initiate_auth with TOTP enabled", "SOFTWARE_TOKEN_MFA challenge")

    def answer(code):
        return client.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    # The step used by verify_software_token is spent: a replay is ExpiredCodeException.
    # (Only the error code is checked: AWS's exact message for a replay is not documented.)
    try:
        answer(totp(secret, verify_time))
        raise StepFailed("a code already accepted by verify_software_token was accepted again")
    except ClientError as e:
        code = e.response["Error"]["Code"]
        check(code == "ExpiredCodeException", f"replayed code: expected ExpiredCodeException, got {code}: {e.response['Error']['Message']}")
        step("respond_to_auth_challenge replaying the verified code", f"{code}: {e.response['Error']['Message']}")

    # The next 30-second step has not been used (the server accepts one step early).
    done = answer(totp(secret, time.time() + 30))
    result = done.get("AuthenticationResult")
    check(result and result.get("AccessToken") and result.get("IdToken") and result.get("RefreshToken"), f"no tokens: {done}")
    me = client.get_user(AccessToken=result["AccessToken"])
    check(me["Username"] == "alice", f"Username {me['Username']}")
    access = result["AccessToken"]
    step("respond_to_auth_challenge SOFTWARE_TOKEN_MFA", "tokens issued")

    # --- disable, refused sign-in, delete --------------------------------------------------
    client.admin_disable_user(UserPoolId=pool_id, Username="alice")
    check(client.admin_get_user(UserPoolId=pool_id, Username="alice")["Enabled"] is False, "user still enabled")
    step("admin_disable_user")
    expect_error(
        "initiate_auth for a disabled user",
        lambda: password_auth(NEW_PASSWORD),
        "NotAuthorizedException",
        "User is disabled.",
    )

    client.admin_delete_user(UserPoolId=pool_id, Username="alice")
    step("admin_delete_user")
    expect_error(
        "admin_get_user after delete",
        lambda: client.admin_get_user(UserPoolId=pool_id, Username="alice"),
        "UserNotFoundException",
        "User does not exist.",
    )
    expect_error(
        "initiate_auth after delete",
        lambda: password_auth(NEW_PASSWORD),
        "NotAuthorizedException",
        "Incorrect username or password.",
    )

    client.delete_user_pool(UserPoolId=pool_id)
    step("delete_user_pool")
    print("ALL OK", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: boto3_flow.py URL", file=sys.stderr)
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
