"""Places an outbound call with boto3's create_sip_media_application_call
against chimevoice, as an application would against AWS, and prints the
call's TransactionId.

    python3 examples/calls/place_outbound_call.py --endpoint http://127.0.0.1:8080 \
        --sma SIP_MEDIA_APPLICATION_ID --from +12065550100 --to +15105550101 [--arg Name=Ada]

The credentials are chimevoice's development key (test/test) unless the
standard AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY say otherwise.
"""

import argparse
import os

import boto3


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", default=os.environ.get("CHIMEVOICE_URL", "http://127.0.0.1:8080"))
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--sma", required=True, help="the SIP media application's ID")
    p.add_argument("--from", dest="from_number", required=True, help="a SipMediaApplicationDialIn number of the account")
    p.add_argument("--to", dest="to_number", required=True, help="the number to call")
    p.add_argument("--arg", action="append", default=[], help="KEY=VALUE for ArgumentsMap (repeatable)")
    a = p.parse_args()
    client = boto3.client(
        "chime-sdk-voice",
        endpoint_url=a.endpoint,
        region_name=a.region,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    )
    out = client.create_sip_media_application_call(
        FromPhoneNumber=a.from_number,
        ToPhoneNumber=a.to_number,
        SipMediaApplicationId=a.sma,
        ArgumentsMap=dict(kv.split("=", 1) for kv in a.arg),
    )
    print(out["SipMediaApplicationCall"]["TransactionId"])


if __name__ == "__main__":
    main()
