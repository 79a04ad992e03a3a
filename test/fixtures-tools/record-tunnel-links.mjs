// Prints each link of this network namespace that has IFLA_LINKINFO as "<name> <hex of it>", as
// the kernel reports it (rtnetlink RTM_GETLINK dump through the netlink package).
// Used by record-tunnel-links.sh; run as root inside the namespace it makes.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createRtNetlink } = require('netlink/dist/rt/rt.js');
const rt = createRtNetlink();
for (const l of await rt.getLinks()) {
  if (l.attrs.linkinfo) process.stdout.write(`${l.attrs.ifname} ${Buffer.from(l.attrs.linkinfo).toString('hex')}\n`);
}
rt.socket.close();
