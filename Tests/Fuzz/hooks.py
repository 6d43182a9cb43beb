"""Schemathesis hooks for the gateway: a bearer token for the run's admin, fetched again every
few seconds, because the fuzzer itself may sign the session out (DELETE /v1/sessions/current)."""
import json
import os
import re
import urllib.request
import uuid

import schemathesis


@schemathesis.auth(refresh_interval=5)
class SessionToken:
    def get(self, case, ctx):
        request = urllib.request.Request(
            os.environ["EXPO_FUZZ_URL"] + "/v1/sessions",
            data=json.dumps({"email": os.environ["EXPO_FUZZ_EMAIL"], "password": os.environ["EXPO_FUZZ_PASSWORD"]}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """A real client sends a fresh Idempotency-Key with each new request; the generator reuses one
    value for different bodies (in every phase), which the API rightly refuses (422). Keys
    generated to be invalid are left alone: they test the refusal."""
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and re.fullmatch(r"[\x21-\x7e]{1,255}", key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    # A real client's If-Match is a tag it read, which the generator cannot know: it is sent as "*" (any
    # version), so edits get through. Only a malformed one in a case generated to be invalid in its headers
    # is left alone: it tests the 400. (The coverage phase also offers values such as "" as valid ones.)
    tags = (case.headers or {}).get("If-Match")
    if isinstance(tags, str):
        headers = getattr(getattr(case, "meta", None), "components", {}).get("header")
        negative = headers is not None and str(headers.mode) == "negative"
        well_formed = re.fullmatch(r'(\*|(W/)?"[\x21\x23-\x7e]*"([ \t]*,[ \t]*(W/)?"[\x21\x23-\x7e]*")*)', tags)
        if well_formed or not negative:
            case.headers["If-Match"] = "*"
