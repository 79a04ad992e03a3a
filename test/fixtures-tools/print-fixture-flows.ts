// Not a test: prints what the decoder makes of a fixture (flow sums, result counts), to compare
// by hand against test/fixtures-tools/pcap-flow-sums.py (tcpdump's reading) when re-recording.
//   node dist/test/fixtures-tools/print-fixture-flows.js routed-a0.pcap [snaplen]
import { decodeFixture, flowSums, resultCounts } from '../decode/fixture-helpers.js';

const [name, snap] = process.argv.slice(2);
if (name !== undefined) {
  const { packets } = decodeFixture(name, snap === undefined ? Infinity : Number(snap));
  console.log(JSON.stringify(resultCounts(packets)));
  for (const line of flowSums(packets)) console.log(line);
}
