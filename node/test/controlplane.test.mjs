// The control plane beyond phone numbers, and the documented rules of the
// real service, through the AWS SDK for JavaScript v3 (docs/controlplane.md):
// voice profile domains, proxy sessions and their expiry on the service
// clock, global settings, termination health, E911 address validation, the
// newest model's members, and each documented refusal with its error class
// and Code.
import { test, before, beforeEach, after } from "node:test";
import assert from "node:assert/strict";
import * as voice from "@aws-sdk/client-chime-sdk-voice";
import * as chime from "@aws-sdk/client-chime";
import { startChimevoice } from "../chimevoice.cjs";

const {
  ChimeSDKVoiceClient, BadRequestException, ConflictException, NotFoundException, ForbiddenException,
} = voice;
const ACCOUNT = "000000000000"; // the development credential's account
const KMS_KEY = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MINUTE = 60_000;

let cv, client, legacy;
before(async () => {
  // Orders and calling-name updates stay in progress for a minute of the
  // service clock, so that a pending update can be seen (and refused).
  cv = await startChimevoice({ args: ["--order-latency", "1m"] });
  client = new ChimeSDKVoiceClient({ ...cv.clientConfig, maxAttempts: 1 });
  legacy = new chime.ChimeClient({ ...cv.clientConfig, maxAttempts: 1 });
});
beforeEach(() => cv.reset());
after(() => cv.stop());

const send = (cmd, input) => client.send(new voice[cmd + "Command"](input));

// rejects checks the error class, its name, its Code when given, and that
// the message names what it is about.
async function rejects(promise, cls, { code, mentions = [] } = {}) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof cls, `${err.name}: ${err.message}, want ${cls.name}`);
    assert.equal(err.name, cls.name);
    if (code !== undefined) assert.equal(err.Code, code, `Code of ${err.name}: ${err.message}`);
    for (const m of mentions) assert.ok(err.message.includes(m), `${JSON.stringify(err.message)} does not mention ${JSON.stringify(m)}`);
    return true;
  });
}

// provision orders numbers and completes the order on the service clock.
async function provision(search, n, productType = "VoiceConnector") {
  const { E164PhoneNumbers: nums } = await send("SearchAvailablePhoneNumbers", { ...search, MaxResults: n });
  assert.equal(nums.length, n);
  await send("CreatePhoneNumberOrder", { ProductType: productType, E164PhoneNumbers: nums });
  await cv.advanceClock("1m");
  return [...nums].sort();
}

const createVC = async (name) =>
  (await send("CreateVoiceConnector", { Name: name, RequireEncryption: true })).VoiceConnector.VoiceConnectorId;

test("voice profile domains: create, get, list with paging, update, tags, delete", async () => {
  const ids = [];
  for (const name of ["one", "two", "three"]) {
    const { VoiceProfileDomain: d } = await send("CreateVoiceProfileDomain", {
      Name: name, Description: `domain ${name}`, ServerSideEncryptionConfiguration: { KmsKeyArn: KMS_KEY },
      Tags: [{ Key: "n", Value: name }],
    });
    assert.equal(d.Name, name);
    assert.equal(d.ServerSideEncryptionConfiguration.KmsKeyArn, KMS_KEY);
    assert.equal(d.VoiceProfileDomainArn, `arn:aws:chime:us-east-1:${ACCOUNT}:voice-profile-domain/${d.VoiceProfileDomainId}`);
    assert.ok(d.CreatedTimestamp instanceof Date);
    ids.push(d.VoiceProfileDomainId);
    await cv.advanceClock("1s");
  }
  // An alias ARN names no key: refused, nothing made.
  await rejects(send("CreateVoiceProfileDomain", { Name: "x", ServerSideEncryptionConfiguration: { KmsKeyArn: "arn:aws:kms:us-east-1:000000000000:alias/mine" } }),
    BadRequestException, { mentions: ["KmsKeyArn"] });

  const got = await send("GetVoiceProfileDomain", { VoiceProfileDomainId: ids[0] });
  assert.equal(got.VoiceProfileDomain.Description, "domain one");

  const pages = [];
  for await (const page of voice.paginateListVoiceProfileDomains({ client, pageSize: 2 }, {})) {
    pages.push(page.VoiceProfileDomains.map((d) => d.VoiceProfileDomainId));
  }
  assert.deepEqual(pages, [ids.slice(0, 2), ids.slice(2)]);

  const { VoiceProfileDomain: up } = await send("UpdateVoiceProfileDomain", { VoiceProfileDomainId: ids[1], Name: "renamed" });
  assert.equal(up.Name, "renamed");
  assert.equal(up.Description, "domain two"); // left out: kept
  const { Tags } = await send("ListTagsForResource", { ResourceARN: up.VoiceProfileDomainArn });
  assert.deepEqual(Tags, [{ Key: "n", Value: "two" }]);

  await send("DeleteVoiceProfileDomain", { VoiceProfileDomainId: ids[1] });
  await rejects(send("GetVoiceProfileDomain", { VoiceProfileDomainId: ids[1] }), NotFoundException, { mentions: [ids[1]] });
  await rejects(send("DeleteVoiceProfileDomain", { VoiceProfileDomainId: ids[1] }), NotFoundException);
  const left = await send("ListVoiceProfileDomains", {});
  assert.deepEqual(left.VoiceProfileDomains.map((d) => d.VoiceProfileDomainId), [ids[0], ids[2]]);
});

test("proxy: configuration, sessions, paging, and Open -> Closed after ExpiryMinutes on the service clock", async () => {
  const vc = await createVC("proxy");
  const pool = await provision({ AreaCode: "206" }, 2);
  const assoc = await send("AssociatePhoneNumbersWithVoiceConnector", { VoiceConnectorId: vc, E164PhoneNumbers: pool });
  assert.deepEqual(assoc.PhoneNumberErrors, []);
  const [alice, bob, carol] = ["+14155550101", "+14155550102", "+14155550103"];
  const create = (parts, extra = {}) =>
    send("CreateProxySession", { VoiceConnectorId: vc, ParticipantPhoneNumbers: parts, Capabilities: ["Voice"], Name: "s", ...extra });

  await rejects(create([alice, bob]), BadRequestException, { mentions: ["no proxy configuration"] });
  await rejects(send("PutVoiceConnectorProxy", { VoiceConnectorId: vc, DefaultSessionExpiryMinutes: 0, PhoneNumberPoolCountries: ["US"] }),
    BadRequestException, { mentions: ["DefaultSessionExpiryMinutes"] });
  const { Proxy: px } = await send("PutVoiceConnectorProxy", {
    VoiceConnectorId: vc, DefaultSessionExpiryMinutes: 60, PhoneNumberPoolCountries: ["US"], FallBackPhoneNumber: pool[0],
  });
  assert.equal(px.DefaultSessionExpiryMinutes, 60);
  assert.deepEqual(px.PhoneNumberCountries, ["US"]);
  assert.equal((await send("GetVoiceConnectorProxy", { VoiceConnectorId: vc })).Proxy.FallBackPhoneNumber, pool[0]);

  // Each participant gets a proxy number of the pool (lowest E.164 first).
  const { ProxySession: s1 } = await create([alice, bob]);
  assert.equal(s1.Status, "Open");
  assert.equal(s1.ExpiryMinutes, 60); // the configuration's default
  assert.deepEqual(s1.Participants.map((p) => [p.PhoneNumber, p.ProxyPhoneNumber]), [[alice, pool[0]], [bob, pool[0]]]);
  // Alice already talks through pool[0]: her next session takes pool[1]; then none is left for her.
  const { ProxySession: s2 } = await create([alice, carol], { ExpiryMinutes: 30 });
  assert.equal(s2.Participants[0].ProxyPhoneNumber, pool[1]);
  await rejects(create([carol, alice]), BadRequestException, { mentions: ["ParticipantPhoneNumbers[1]"] });
  await rejects(create([alice, bob], { NumberSelectionBehavior: "Sometimes" }), BadRequestException, { mentions: ["NumberSelectionBehavior"] });
  await rejects(create([carol, "+14155550104"], { GeoMatchLevel: "AreaCode", GeoMatchParams: { Country: "US", AreaCode: "312" } }),
    BadRequestException, { mentions: ["312"] });

  const { ProxySession: up } = await send("UpdateProxySession", {
    VoiceConnectorId: vc, ProxySessionId: s2.ProxySessionId, Capabilities: ["Voice", "SMS"], ExpiryMinutes: 10,
  });
  assert.equal(up.ExpiryMinutes, 10);
  assert.deepEqual([...up.Capabilities].sort(), ["SMS", "Voice"]);

  // Expiry counts from the creation, on the service clock.
  const get = async (id) => (await send("GetProxySession", { VoiceConnectorId: vc, ProxySessionId: id })).ProxySession;
  await cv.advanceClock("9m");
  assert.equal((await get(s2.ProxySessionId)).Status, "Open");
  await cv.advanceClock("1m");
  const closed = await get(s2.ProxySessionId);
  assert.equal(closed.Status, "Closed");
  assert.equal(closed.EndedTimestamp.getTime(), s2.CreatedTimestamp.getTime() + 10 * MINUTE);
  assert.equal((await get(s1.ProxySessionId)).Status, "Open");
  await rejects(send("UpdateProxySession", { VoiceConnectorId: vc, ProxySessionId: s2.ProxySessionId, Capabilities: ["Voice"] }),
    BadRequestException, { mentions: ["Closed"] });
  // pool[1] is free for Alice again.
  const { ProxySession: s3 } = await create([alice, carol]);
  assert.equal(s3.Participants[0].ProxyPhoneNumber, pool[1]);

  // List by status, one a page.
  const list = async (Status) => {
    const ids = [];
    for await (const page of voice.paginateListProxySessions({ client, pageSize: 1 }, { VoiceConnectorId: vc, Status })) {
      assert.ok(page.ProxySessions.length <= 1, `a page of ${page.ProxySessions.length} sessions, MaxResults 1`);
      ids.push(...page.ProxySessions.map((s) => s.ProxySessionId));
    }
    return ids.sort();
  };
  assert.deepEqual(await list("Open"), [s1.ProxySessionId, s3.ProxySessionId].sort());
  assert.deepEqual(await list("Closed"), [s2.ProxySessionId]);
  assert.equal((await list(undefined)).length, 3);
  await cv.advanceClock("1h");
  assert.deepEqual(await list("Open"), []);

  await send("DeleteProxySession", { VoiceConnectorId: vc, ProxySessionId: s3.ProxySessionId });
  await rejects(get(s3.ProxySessionId), NotFoundException);
  await send("DeleteVoiceConnectorProxy", { VoiceConnectorId: vc });
  assert.equal((await send("GetVoiceConnectorProxy", { VoiceConnectorId: vc })).Proxy, undefined);
});

test("global settings: get, update, a bad bucket refused", async () => {
  const unset = await send("GetGlobalSettings", {});
  assert.equal(unset.VoiceConnector?.CdrBucket, undefined);
  await send("UpdateGlobalSettings", { VoiceConnector: { CdrBucket: "cdr-bucket-1" } });
  await rejects(send("UpdateGlobalSettings", { VoiceConnector: { CdrBucket: "Upper" } }), BadRequestException, { mentions: ["CdrBucket"] });
  // VoiceConnector is required by the newest model.
  await rejects(send("UpdateGlobalSettings", {}), BadRequestException, { mentions: ["VoiceConnector"] });
  assert.equal((await send("GetGlobalSettings", {})).VoiceConnector.CdrBucket, "cdr-bucket-1");
});

test("termination health: derived from the termination configuration, on the service clock", async () => {
  const vc = await createVC("t");
  await rejects(send("GetVoiceConnectorTerminationHealth", { VoiceConnectorId: vc }), NotFoundException, { mentions: ["no termination"] });
  await send("PutVoiceConnectorTermination", { VoiceConnectorId: vc, Termination: {
    CidrAllowedList: ["198.51.100.0/24", "203.0.113.7/32"], CallingRegions: ["US"], CpsLimit: 1, Disabled: false } });
  // The first usable address of the first block pings every 30 seconds.
  const now = new Date(await cv.now());
  const at = new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1, 0, 0, 45));
  await cv.setClock(at.toISOString());
  const { TerminationHealth: h } = await send("GetVoiceConnectorTerminationHealth", { VoiceConnectorId: vc });
  assert.equal(h.Source, "198.51.100.1");
  assert.equal(h.Timestamp.getTime(), at.getTime() - 15_000);
  await send("PutVoiceConnectorTermination", { VoiceConnectorId: vc, Termination: {
    CidrAllowedList: ["198.51.100.0/24"], CallingRegions: ["US"], Disabled: true } });
  await rejects(send("GetVoiceConnectorTerminationHealth", { VoiceConnectorId: vc }), NotFoundException, { mentions: ["disabled"] });
});

test("ValidateE911Address: one result of each kind", async () => {
  const address = (StreetNumber, StreetInfo, City, State, PostalCode) =>
    ({ AwsAccountId: ACCOUNT, StreetNumber, StreetInfo, City, State, Country: "US", PostalCode });
  // Address and CandidateAddress members are lower camel case in the model (streetSuffix, city, ...).
  // 0: already in USPS form.
  const valid = await send("ValidateE911Address", address("410", "TERRY AVE N", "SEATTLE", "WA", "98109"));
  assert.equal(valid.ValidationResult, 0);
  assert.equal(valid.Address.streetSuffix, "AVE");
  assert.equal(valid.Address.postDirectional, "N");
  assert.ok(valid.AddressExternalId);
  // 1: valid once corrected; the same address gets the same ID.
  const corrected = await send("ValidateE911Address", address("410", "Terry Avenue North", "Seattle", "Washington", "98109"));
  assert.equal(corrected.ValidationResult, 1);
  assert.equal(corrected.Address.state, "WA");
  assert.equal(corrected.AddressExternalId, valid.AddressExternalId);
  // 2 with a candidate: the ZIP code is in Seattle.
  const wrongCity = await send("ValidateE911Address", address("410", "Terry Ave N", "Tacoma", "WA", "98109"));
  assert.equal(wrongCity.ValidationResult, 2);
  assert.equal(wrongCity.Address, undefined);
  assert.deepEqual(wrongCity.CandidateAddressList.map((c) => [c.city, c.state]), [["SEATTLE", "WA"]]);
  // 2 without candidates: not a ZIP code.
  const invalid = await send("ValidateE911Address", address("410", "Terry Ave N", "Seattle", "WA", "9810"));
  assert.equal(invalid.ValidationResult, 2);
  assert.deepEqual(invalid.CandidateAddressList ?? [], []);
  await rejects(send("ValidateE911Address", { ...address("410", "TERRY AVE N", "SEATTLE", "WA", "98109"), AwsAccountId: "111111111111" }),
    ForbiddenException, { mentions: ["AwsAccountId"] });
});

test("PhoneNumberArn on every number (the SDK knows the member)", async () => {
  const [n] = await provision({ AreaCode: "415" }, 1);
  const arn = `arn:aws:chime:us-east-1:${ACCOUNT}:phone-number/${n}`;
  assert.equal((await send("GetPhoneNumber", { PhoneNumberId: n })).PhoneNumber.PhoneNumberArn, arn);
  assert.deepEqual((await send("ListPhoneNumbers", {})).PhoneNumbers.map((p) => p.PhoneNumberArn), [arn]);
  const l = await legacy.send(new chime.GetPhoneNumberCommand({ PhoneNumberId: n }));
  // The legacy model has no PhoneNumberArn: the SDK drops the member it does not know.
  assert.equal(l.PhoneNumber.E164PhoneNumber, n);
});

test("CallDistributionType on Voice Connector groups (the SDK knows the member)", async () => {
  const vc = await createVC("a");
  // Priority is required for priority-weighted groups (the default) only.
  await rejects(send("CreateVoiceConnectorGroup", { Name: "pw", VoiceConnectorItems: [{ VoiceConnectorId: vc }] }),
    BadRequestException, { mentions: ["Priority"] });
  const { VoiceConnectorGroup: g } = await send("CreateVoiceConnectorGroup", {
    Name: "lb", CallDistributionType: "LoadBalancedDistribution", VoiceConnectorItems: [{ VoiceConnectorId: vc }],
  });
  assert.equal(g.CallDistributionType, "LoadBalancedDistribution");
  const id = g.VoiceConnectorGroupId;
  // An update that leaves the type out keeps it.
  const { VoiceConnectorGroup: up } = await send("UpdateVoiceConnectorGroup", { VoiceConnectorGroupId: id, Name: "lb2", VoiceConnectorItems: [{ VoiceConnectorId: vc }] });
  assert.equal(up.CallDistributionType, "LoadBalancedDistribution");
  await rejects(send("UpdateVoiceConnectorGroup", { VoiceConnectorGroupId: id, Name: "pw", CallDistributionType: "PriorityWeightedDistribution", VoiceConnectorItems: [{ VoiceConnectorId: vc }] }),
    BadRequestException, { mentions: ["Priority"] });
  const got = (await send("GetVoiceConnectorGroup", { VoiceConnectorGroupId: id })).VoiceConnectorGroup;
  assert.equal(got.Name, "lb2");
  assert.equal(got.CallDistributionType, "LoadBalancedDistribution");
  const { VoiceConnectorGroup: dflt } = await send("CreateVoiceConnectorGroup", { Name: "d", VoiceConnectorItems: [{ VoiceConnectorId: vc, Priority: 1 }] });
  assert.equal(dflt.CallDistributionType, "PriorityWeightedDistribution");
});

test("refused: a calling name on a toll-free number", async () => {
  const [tollFree] = await provision({ TollFreePrefix: "833" }, 1);
  await rejects(send("UpdatePhoneNumber", { PhoneNumberId: tollFree, CallingName: "Acme" }),
    BadRequestException, { code: "Validation", mentions: ["toll-based numbers only"] });
  const batch = await send("BatchUpdatePhoneNumber", { UpdatePhoneNumberRequestItems: [{ PhoneNumberId: tollFree, CallingName: "Acme" }] });
  assert.deepEqual(batch.PhoneNumberErrors.map((e) => [e.PhoneNumberId, e.ErrorCode]), [[tollFree, "Validation"]]);
  const n = (await send("GetPhoneNumber", { PhoneNumberId: tollFree })).PhoneNumber;
  assert.equal(n.CallingName, undefined);
  assert.equal(n.CallingNameStatus, "Unassigned");
});

test("refused: a second calling-name update while one is pending", async () => {
  const [a, b] = await provision({ AreaCode: "206" }, 2);
  const { PhoneNumber: up } = await send("UpdatePhoneNumber", { PhoneNumberId: a, CallingName: "Acme" });
  assert.equal(up.CallingNameStatus, "UpdateInProgress");
  await rejects(send("UpdatePhoneNumber", { PhoneNumberId: a, CallingName: "Other" }),
    BadRequestException, { code: "Validation", mentions: ["still pending"] });
  const batch = await send("BatchUpdatePhoneNumber", { UpdatePhoneNumberRequestItems: [
    { PhoneNumberId: a, CallingName: "Other" }, { PhoneNumberId: b, CallingName: "Second" }] });
  assert.deepEqual(batch.PhoneNumberErrors.map((e) => [e.PhoneNumberId, e.ErrorCode]), [[a, "Validation"]]);
  assert.equal((await send("GetPhoneNumber", { PhoneNumberId: a })).PhoneNumber.CallingName, "Acme");
  // Completed on its schedule (--order-latency), the next update is allowed.
  await cv.advanceClock("1m");
  assert.equal((await send("GetPhoneNumber", { PhoneNumberId: a })).PhoneNumber.CallingNameStatus, "UpdateSucceeded");
  await send("UpdatePhoneNumber", { PhoneNumberId: a, CallingName: "Other" });
});

test("refused: the account's calling name changed twice within 7 days", async () => {
  await send("UpdatePhoneNumberSettings", { CallingName: "Acme" });
  const set = (await send("GetPhoneNumberSettings", {})).CallingNameUpdatedTimestamp;
  await cv.advanceClock("167h59m");
  await rejects(send("UpdatePhoneNumberSettings", { CallingName: "Acme Two" }),
    BadRequestException, { code: "Validation", mentions: ["once every 7 days"] });
  const s = await send("GetPhoneNumberSettings", {});
  assert.equal(s.CallingName, "Acme");
  assert.equal(s.CallingNameUpdatedTimestamp.getTime(), set.getTime());
  await cv.advanceClock("1m");
  await send("UpdatePhoneNumberSettings", { CallingName: "Acme Two" });
  assert.equal((await send("GetPhoneNumberSettings", {})).CallingName, "Acme Two");
});

test("refused: deleting a Voice Connector group that still holds numbers or items", async () => {
  const vc = await createVC("a");
  const { VoiceConnectorGroup: g } = await send("CreateVoiceConnectorGroup", { Name: "g", VoiceConnectorItems: [{ VoiceConnectorId: vc, Priority: 1 }] });
  const id = g.VoiceConnectorGroupId;
  const nums = await provision({ AreaCode: "646" }, 1);
  const assoc = await send("AssociatePhoneNumbersWithVoiceConnectorGroup", { VoiceConnectorGroupId: id, E164PhoneNumbers: nums });
  assert.deepEqual(assoc.PhoneNumberErrors, []);
  await rejects(send("DeleteVoiceConnectorGroup", { VoiceConnectorGroupId: id }), ConflictException, { mentions: ["phone number"] });
  await send("DisassociatePhoneNumbersFromVoiceConnectorGroup", { VoiceConnectorGroupId: id, E164PhoneNumbers: nums });
  await rejects(send("DeleteVoiceConnectorGroup", { VoiceConnectorGroupId: id }), ConflictException, { mentions: ["Voice Connector item"] });
  assert.equal((await send("GetVoiceConnectorGroup", { VoiceConnectorGroupId: id })).VoiceConnectorGroup.VoiceConnectorItems.length, 1);
  await send("UpdateVoiceConnectorGroup", { VoiceConnectorGroupId: id, Name: "g", VoiceConnectorItems: [] });
  await send("DeleteVoiceConnectorGroup", { VoiceConnectorGroupId: id });
  await rejects(send("GetVoiceConnectorGroup", { VoiceConnectorGroupId: id }), NotFoundException);
});

test("refused (legacy Amazon Chime API): the BusinessCalling product type on a toll-free number", async () => {
  const { E164PhoneNumbers: tf } = await send("SearchAvailablePhoneNumbers", { TollFreePrefix: "844", MaxResults: 2 });
  const { E164PhoneNumbers: [local] } = await send("SearchAvailablePhoneNumbers", { AreaCode: "312", MaxResults: 1 });
  await rejects(legacy.send(new chime.CreatePhoneNumberOrderCommand({ ProductType: "BusinessCalling", E164PhoneNumbers: [local, tf[0]] })),
    chime.BadRequestException, { code: "Validation", mentions: ["E164PhoneNumbers[1]", "BusinessCalling"] });
  assert.deepEqual((await legacy.send(new chime.ListPhoneNumberOrdersCommand({}))).PhoneNumberOrders, []);

  await legacy.send(new chime.CreatePhoneNumberOrderCommand({ ProductType: "VoiceConnector", E164PhoneNumbers: tf }));
  await cv.advanceClock("1m");
  await rejects(legacy.send(new chime.UpdatePhoneNumberCommand({ PhoneNumberId: tf[0], ProductType: "BusinessCalling" })),
    chime.BadRequestException, { code: "Validation", mentions: ["toll-free"] });
  const batch = await legacy.send(new chime.BatchUpdatePhoneNumberCommand({ UpdatePhoneNumberRequestItems: [{ PhoneNumberId: tf[1], ProductType: "BusinessCalling" }] }));
  assert.deepEqual(batch.PhoneNumberErrors.map((e) => [e.PhoneNumberId, e.ErrorCode]), [[tf[1], "Validation"]]);
  for (const n of tf) {
    assert.equal((await legacy.send(new chime.GetPhoneNumberCommand({ PhoneNumberId: n }))).PhoneNumber.ProductType, "VoiceConnector");
  }
  const { PhoneNumberCountries: c } = await legacy.send(new chime.ListSupportedPhoneNumberCountriesCommand({ ProductType: "BusinessCalling" }));
  assert.deepEqual(c.map((x) => [x.CountryCode, x.SupportedPhoneNumberTypes]), [["US", ["Local"]]]);
});
