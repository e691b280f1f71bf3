"""boto3 against chimevoice with the repository's chime-sdk-voice model.

Run by TestBoto3NewestModel with CHIMEVOICE_URL set and AWS_DATA_PATH pointing
botocore at the model of model/spec (botocore 1.43.67), which is newer than the
installed botocore: PhoneNumberArn, CallDistributionType and an optional
Priority only exist there.
"""
import json
import os
import sys
import urllib.request

import boto3
import botocore.exceptions

URL = os.environ["CHIMEVOICE_URL"]
voice = boto3.client("chime-sdk-voice", endpoint_url=URL, region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test")


def advance(duration):
    req = urllib.request.Request(URL + "/_chimevoice/clock", data=json.dumps({"Advance": duration}).encode(), method="POST")
    urllib.request.urlopen(req).read()


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)


nums = voice.search_available_phone_numbers(AreaCode="206", MaxResults=2)["E164PhoneNumbers"]
voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
advance("0s")
n = voice.get_phone_number(PhoneNumberId=nums[0])["PhoneNumber"]
check(n["PhoneNumberArn"] == "arn:aws:chime:us-east-1:000000000000:phone-number/" + nums[0], "PhoneNumberArn " + n.get("PhoneNumberArn", ""))

vc = voice.create_voice_connector(Name="trunk", RequireEncryption=False)["VoiceConnector"]["VoiceConnectorId"]
g = voice.create_voice_connector_group(Name="lb", CallDistributionType="LoadBalancedDistribution",
                                       VoiceConnectorItems=[{"VoiceConnectorId": vc}])["VoiceConnectorGroup"]
check(g["CallDistributionType"] == "LoadBalancedDistribution", "CallDistributionType")
try:
    voice.delete_voice_connector_group(VoiceConnectorGroupId=g["VoiceConnectorGroupId"])
    check(False, "a group with items was deleted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "ConflictException", "group deletion: " + str(e))

# Proxy: configuration, a session, its expiry on the service clock.
voice.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=nums)
voice.put_voice_connector_proxy(VoiceConnectorId=vc, DefaultSessionExpiryMinutes=15, PhoneNumberPoolCountries=["US"])
s = voice.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14155550101", "+14155550102"],
                               Capabilities=["Voice"])["ProxySession"]
check(s["Status"] == "Open" and s["Participants"][0]["ProxyPhoneNumber"] in nums, "session " + str(s))
advance("15m")
s = voice.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=s["ProxySessionId"])["ProxySession"]
check(s["Status"] == "Closed", "session after its expiry: " + s["Status"])

# Voice profile domains, paged.
for i in range(3):
    voice.create_voice_profile_domain(Name="d%d" % i, ServerSideEncryptionConfiguration={
        "KmsKeyArn": "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
pages = list(voice.get_paginator("list_voice_profile_domains").paginate(PaginationConfig={"PageSize": 2})) \
    if voice.can_paginate("list_voice_profile_domains") else None
if pages is None:
    first = voice.list_voice_profile_domains(MaxResults=2)
    rest = voice.list_voice_profile_domains(MaxResults=2, NextToken=first["NextToken"])
    names = [d["Name"] for d in first["VoiceProfileDomains"] + rest["VoiceProfileDomains"]]
else:
    names = [d["Name"] for p in pages for d in p["VoiceProfileDomains"]]
check(sorted(names) == ["d0", "d1", "d2"], "domains " + str(names))  # created in one millisecond: any order

# E911: each result code.
addr = dict(AwsAccountId="000000000000", StreetNumber="410", City="SEATTLE", State="WA", Country="US", PostalCode="98109")
check(voice.validate_e911_address(StreetInfo="TERRY AVE N", **addr)["ValidationResult"] == 0, "e911 valid")
check(voice.validate_e911_address(StreetInfo="Terry Avenue North", **addr)["ValidationResult"] == 1, "e911 corrected")
bad = dict(addr, City="Tacoma")
r = voice.validate_e911_address(StreetInfo="Terry Ave N", **bad)
check(r["ValidationResult"] == 2 and r["CandidateAddressList"][0]["city"] == "SEATTLE", "e911 invalid " + str(r))

voice.update_global_settings(VoiceConnector={"CdrBucket": "cdr-bucket"})
check(voice.get_global_settings()["VoiceConnector"]["CdrBucket"] == "cdr-bucket", "global settings")
print("ok")
