"""AWS STS GetWebIdentityToken as botocore (the AWS SDK for Python's core) does it.

Used by tests/tests/aws_sigv4.rs to hold ges-stop's SigV4 signature to botocore's, and
the simulator's AWS STS to what botocore sends and reads.

    python botocore_sts.py sign   < request.json
    python botocore_sts.py send   < request.json

request.json: {"access_key", "secret_key", "session_token" (or null), "region",
"endpoint", "audience", "algorithm", "duration"}; `sign` also takes "timestamp"
(YYYYMMDDTHHMMSSZ), the instant to sign at.

`sign` serialises the call with botocore's own Query serializer from its STS model and
signs it with botocore's SigV4Auth, printing {"body", "headers"}: the exact bytes and
the headers the signature covers or adds. `send` makes the call with a botocore client
against `endpoint` and prints {"token", "expiration"}, or exits 3 with {"code",
"message", "status"} when STS refuses.
"""

import datetime
import json
import sys

import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

EXIT_REFUSED = 3


def params(request):
    return {
        "Audience": [request["audience"]],
        "DurationSeconds": request["duration"],
        "SigningAlgorithm": request["algorithm"],
    }


def sign(request):
    session = botocore.session.get_session()
    model = session.get_service_model("sts")
    operation = model.operation_model("GetWebIdentityToken")
    serialized = create_serializer("query").serialize_to_request(params(request), operation)
    at = datetime.datetime.strptime(request["timestamp"], "%Y%m%dT%H%M%SZ")
    # SigV4Auth reads the clock through this name; the test signs at a fixed instant.
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: at
    aws_request = AWSRequest(
        method=serialized["method"],
        url=request["endpoint"] + serialized["url_path"],
        data=serialized["body"],
        headers=serialized["headers"],
    )
    credentials = Credentials(
        request["access_key"], request["secret_key"], request["session_token"]
    )
    botocore.auth.SigV4Auth(credentials, "sts", request["region"]).add_auth(aws_request)
    body = aws_request.body
    if isinstance(body, bytes):
        body = body.decode()
    return {"body": body, "headers": dict(aws_request.headers.items())}


def send(request):
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name=request["region"],
        endpoint_url=request["endpoint"],
        aws_access_key_id=request["access_key"],
        aws_secret_access_key=request["secret_key"],
        aws_session_token=request["session_token"],
    )
    try:
        answer = client.get_web_identity_token(**params(request))
    except ClientError as error:
        print(
            json.dumps(
                {
                    "code": error.response["Error"].get("Code"),
                    "message": error.response["Error"].get("Message"),
                    "status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
                }
            )
        )
        return EXIT_REFUSED
    print(
        json.dumps(
            {
                "token": answer["WebIdentityToken"],
                "expiration": answer["Expiration"].isoformat(),
            }
        )
    )
    return 0


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("sign", "send"):
        print("usage: botocore_sts.py sign|send < request.json", file=sys.stderr)
        return 2
    request = json.load(sys.stdin)
    if sys.argv[1] == "sign":
        print(json.dumps(sign(request)))
        return 0
    return send(request)


if __name__ == "__main__":
    sys.exit(main())
