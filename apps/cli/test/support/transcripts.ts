// What spuser printed in the upstream capture (shared/spec/spread-5.0.1-captures.txt, section 1,
// "what the clients printed"), with `SPREAD` standing for the spread name given with -s.
export const ALICE_TRANSCRIPT = `Spread library version is 5.0.1
User: connected to SPREAD with private group #alice#localhost
==========
User> 
User> 
============================
Received REGULAR membership for group demo with 2 members, where I am member 0:
\t#alice#localhost
\t#bob#localhost
grp id is 482711334 1795305806 2
Due to the JOIN of #alice#localhost
User> enter message: 
User> 
============================
received SAFE message from #alice#localhost, of type 1, (endian 0) to 1 groups 
(17 bytes): hello from alice
User> 
============================
received SAFE message from #bob#localhost, of type 1, (endian 0) to 1 groups 
(9 bytes): hi alice
User> 
User> 
============================
received membership message that left group demo
User> 
Bye.
`;

export const BOB_TRANSCRIPT = `Spread library version is 5.0.1
User: connected to SPREAD with private group #bob#localhost
==========
User> 
User> 
============================
Received REGULAR membership for group demo with 1 members, where I am member 0:
\t#bob#localhost
grp id is 482711334 1795305806 1
Due to the JOIN of #bob#localhost
User> 
============================
Received REGULAR membership for group demo with 2 members, where I am member 1:
\t#alice#localhost
\t#bob#localhost
grp id is 482711334 1795305806 2
Due to the JOIN of #alice#localhost
User> 
============================
received SAFE message from #alice#localhost, of type 1, (endian 0) to 1 groups 
(17 bytes): hello from alice
User> enter message: 
User> 
============================
received SAFE message from #bob#localhost, of type 1, (endian 0) to 1 groups 
(9 bytes): hi alice
User> 
============================
Received REGULAR membership for group demo with 1 members, where I am member 0:
\t#bob#localhost
grp id is 482711334 1795305806 3
Due to the LEAVE of #alice#localhost
User> 
Bye.
`;
