// node:test with the AWS SDK for JavaScript v3: node --test test/
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import {
  ChimeSDKVoiceClient, SearchAvailablePhoneNumbersCommand, CreatePhoneNumberOrderCommand,
  BatchDeletePhoneNumberCommand, ListPhoneNumbersCommand, ThrottledClientException,
} from "@aws-sdk/client-chime-sdk-voice";
import { startChimevoice } from "../chimevoice.cjs";

let cv, client;
before(async () => {
  cv = await startChimevoice();
  client = new ChimeSDKVoiceClient(cv.clientConfig);
});
after(() => cv.stop());

test("numbers go through the Deletion queue in 7 days", async () => {
  const { E164PhoneNumbers: nums } = await client.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: "206", MaxResults: 2 }));
  await client.send(new CreatePhoneNumberOrderCommand({ ProductType: "VoiceConnector", E164PhoneNumbers: nums }));
  await cv.advanceClock("0s"); // complete the order now
  const out = await client.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: nums }));
  assert.deepEqual(out.PhoneNumberErrors, []);
  await cv.advanceClock("7d");
  const left = await client.send(new ListPhoneNumbersCommand({}));
  assert.deepEqual(left.PhoneNumbers, []);
});

test("faults, state and reset", async () => {
  await cv.faults([{ Operation: "ListPhoneNumbers", Error: "ThrottledClientException" }]);
  const noRetry = new ChimeSDKVoiceClient({ ...cv.clientConfig, maxAttempts: 1 });
  await assert.rejects(noRetry.send(new ListPhoneNumbersCommand({})), ThrottledClientException);
  await cv.faults([]);
  const imported = await cv.loadState({
    Version: 1, Now: "2030-01-01T00:00:00.000Z",
    PhoneNumbers: [{ E164: "+12067301307", AccountId: "000000000000", Country: "US", NumberType: "Local",
      ProductType: "VoiceConnector", Status: "Unassigned", CreatedAt: "2029-12-01T00:00:00.000Z", UpdatedAt: "2029-12-01T00:00:00.000Z" }],
  });
  assert.equal(imported.PhoneNumbers, 1);
  assert.equal((await client.send(new ListPhoneNumbersCommand({}))).PhoneNumbers.length, 1);
  await cv.reset();
  assert.deepEqual((await client.send(new ListPhoneNumbersCommand({}))).PhoneNumbers, []);
});

test("a clear error without a server", async () => {
  await assert.rejects(startChimevoice({ binary: "/nonexistent/chimevoice" }), /CHIMEVOICE_BIN/);
});
