#!/usr/bin/env python3
"""A second set of hand-written hard cases, written without running the detector first; its
first-run results were reported before any change they prompted.

`python3 corpora/blind_cases.py` rewrites corpora/support_blind_test.jsonl."""
import json, os
R = [
 ["[11:02] Customer: hey its me again, my number changed to ", ("PHONE_NUMBER","(312) 555-0199"), " fyi"],
 ["[11:03] Agent Sam: got it. I also see an old one on file, ", ("PHONE_NUMBER","312.555.0142"), ", want me to delete it?"],
 ["Order 5512 3901 8842 1107 was cancelled by the warehouse (stock issue), no charge was made."],
 ["Please refund to the Mastercard ", ("CREDIT_CARD","5425-2334-3010-9903"), " rather than store credit."],
 ["She read the card out as ", ("CREDIT_CARD","4000 0566 5566 5556"), ", expiry 12/28, CVC withheld."],
 ["Zendesk ticket 4471203 linked to Jira SUP-2291; SLA breach at 16:45 CET."],
 ["The customer's SSN ends in 4321 — we never store the full number in notes."],
 ["Verification done with SSN ", ("US_SSN","001-01-0001"), " and DOB on file."],
 ["New shipping address confirmed, apartment 12B, gate code 4490#, leave with concierge."],
 ["Reply-to: ", ("EMAIL_ADDRESS","maria.gonzalez@correo.example.es"), "; cc: ", ("EMAIL_ADDRESS","support+1234@help.example.com")],
 ["Server logs show requests from ", ("IP_ADDRESS","172.16.254.1"), " and ", ("IP_ADDRESS","fe80::1ff:fe23:4567:890a"), " before the lockout."],
 ["Docs say to set timeout=30000 and retries=5 in config.yaml (no secrets here)."],
 ["export GITHUB_TOKEN=", ("SECRET","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")],
 ["He pasted his password in chat: ", ("SECRET","Summer2024!Blue"), " — I asked him to change it."],
 ["The password reset email was sent twice; the first link expired after 15 minutes."],
 ["Kindly transfer the deposit to ", ("IBAN_CODE","NL91 ABNA 0417 1643 00"), " (ABN AMRO)."],
 ["Our VAT number is GB 123 4567 89 and company registration 09876543."],
 ["Customer's German tax ID ", ("DE_TAX_ID","65929970489"), " for the invoice correction."],
 ["My NHS number is ", ("UK_NHS","943 476 5919"), " if the clinic asks."],
 ["Please quote claim number 2024-117-55803 in any reply."],
 ["Router serial 7X9-221-004-51, MAC ", ("MAC_ADDRESS","a4-5e-60-c2-19-7b"), ", firmware 2.4.1.77."],
 ["Customer in Dublin, call ", ("PHONE_NUMBER","+353 1 555 0123"), " or mobile ", ("PHONE_NUMBER","087 123 4567"), "."],
 ["Delivered 3 of 4 items; item 4 (SKU 840023-11) is backordered until 2025-01-15."],
 ["Aadhaar given for KYC: ", ("IN_AADHAAR","2345 6789 0124"), "; PAN ", ("IN_PAN","ABCPE1234F"), "."],
 ["Price match request: competitor sells it at 1,249.99 USD, ours is 1,299.00 USD."],
    # second blind round

 ["Caller: yeah the number on the account should be ", ("PHONE_NUMBER","646-555-0177"), ", not the landline"],
 ["Agent: thanks, and the last four of the card? Caller: 0005. Agent: perfect."],
 ["Note: cust asked us to email ", ("EMAIL_ADDRESS","r.oconnor@example.ie"), " instead of calling, prefers mornings"],
 ["Refund #RF-20931 for $18.40 issued to original payment method on 11/03."],
 ["From: Priya Raman <", ("EMAIL_ADDRESS","priya.raman@example.in"), ">\nSent: Tuesday, 4 June 2024 10:12\nSubject: RE: case 01842267"],
 ["Customer provided card ", ("CREDIT_CARD","6011 0009 9013 9424"), " over the phone — should not have been logged."],
 ["Tracking: 1Z12345E0205271688 (UPS Ground), est. delivery Thu."],
 ["ip address of the customer's router is ", ("IP_ADDRESS","192.0.2.146"), ", gateway ", ("IP_ADDRESS","192.0.2.1"), " is ours"],
 ["Tax form received. Customer ITIN ", ("US_ITIN","912-75-1234"), ", filing status single."],
 ["Ref: order 1122334455, shipment 998877665544, invoice 20240515-001."],
 ["Please send the replacement to the same address; phone number unchanged (", ("PHONE_NUMBER","+44 7700 900461"), ")."],
 ["Access key rotated: old key ", ("SECRET","AKIA2OGYBAH6STMMNXNN"), " revoked, new one in the vault."],
 ["JWT from the failing request: ", ("SECRET","eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MjQyIiwibmFtZSI6IkphbmUifQ.Q9yYd1hFmEwJ7v4m1l6V8HqK8sGkP3tRzWcN2aXbY0E")],
 ["Model number HX-2200-B, firmware 1.0.44, 2 year warranty from 03/2023."],
 ["SIN provided for payroll: 046 454 286? no wait that's wrong, it's ", ("CA_SIN","130 692 544"), "."],
 ["Our call center number ", ("PHONE_NUMBER","1-800-555-0100"), " is printed on the back of the card."],
 ["Hi, I'm locked out. Username jdoe42, email ", ("EMAIL_ADDRESS","jdoe42@example.com"), ", last login from ", ("IP_ADDRESS","198.51.100.77"), "."],
 ["The IBAN you gave (", ("IBAN_CODE","GB82 WEST 1234 5698 7654 32"), ") bounced, can you double check it?"],
 ["Quantity 12, unit price 4.99, subtotal 59.88, shipping 7.50, total 67.38."],
 ["Delivery window 14:00-16:00, door code 2580, call on arrival ", ("PHONE_NUMBER","0612345678"), "."],
 ["Bitcoin refund address: ", ("CRYPTO","bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"), " (customer insists)."],
 ["Error code 0x80070005 when installing update KB5034441."],
 ["Customer Bob confirmed DOB and the SSN last 4 (6789) on the call."],
 ["Mobile: ", ("PHONE_NUMBER","+49 171 2345678"), " / Office: ", ("PHONE_NUMBER","+49 30 901820"), "."],
 ["Ticket merged. Batch 2024-06-04-17, 312 records processed, 3 errors."],
    # third blind round: mostly decoys, no personal data

 ["Your order 404-8127364-9923017 has shipped via DHL, waybill 1234567890."],
 ["Invoice 2024-00387 dated 2024-05-02, due 2024-06-01, amount EUR 1.234,56."],
 ["Confirmation code 7H3K-9QPL-22XD. Booking reference ABC123. Seat 14C."],
 ["Case #00932817 escalated to tier 2 at 10:45:12 UTC by agent id 55021."],
 ["The build 2024.05.17.1 fixed crash 0xC0000005 in module 3.2.1.4."],
 ["Package weight 2.35 kg, dimensions 30x20x15 cm, zip 94107 warehouse."],
 ["SKU 0012345678905 (UPC), lot 240517B, expiry 05/2026."],
 ["Customer has been with us since 2011; lifetime value $12,450.33; 87 orders."],
 ["Latency p95 412ms, p99 1203ms across 3 regions; error rate 0.42%."],
 ["Coupon SPRING-2024-4411 applied; savings 15%; new total 212.47."],
 ["Meeting ID 845 2231 9087, passcode 771204 (internal standup, not customer data)."],
 ["Serial numbers in this batch: SN2024051700123 to SN2024051700187."],
 ["GPS 37.7749, -122.4194 recorded for the depot scan at 09:12."],
 ["Firmware v10.2.0.15 rolled out to 1,204 devices on 2024-05-20."],
 ["Return label RMA 552-3391-0087 printed; drop-off code 9931."],
 ["Tracking 420 94107 9205 5901 2345 6789 01 shows in transit."],
 ["Credit memo CM-889201 for 3 units at 19.99 each, tax 4.20."],
 ["Priority P1 incident INC0012345 opened 2024-05-18 23:59:59."],
 ["ISBN 978-3-16-148410-0 is out of stock until July."],
 ["Our office hours are 9:00-17:30, phones open from 8:30, closed 25/12 and 01/01."],
 ["Hi, my new phone number is ", ("PHONE_NUMBER","(718) 555-0163"), " and email ", ("EMAIL_ADDRESS","t.alvarez@example.org"), "."],
 ["Card on file ", ("CREDIT_CARD","5105 1051 0510 5100"), " declined; please update billing."],
 ["Customer SSN ", ("US_SSN","512-44-9871"), " was read aloud by mistake, please purge the recording."],
 ["Callback requested at ", ("PHONE_NUMBER","020 7946 0321"), " regarding invoice 2024-00387."],
 ["Login from ", ("IP_ADDRESS","203.0.113.9"), " flagged; account 88213 temporarily locked."],
]
out = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'support_blind_test.jsonl'), 'w')
for i, segs in enumerate(R):
    text=''; spans=[]
    for s in segs:
        if isinstance(s, tuple):
            lab,t=s; st=len(text.encode()); text+=t; spans.append({"start":st,"end":len(text.encode()),"label":lab})
        else: text+=s
    out.write(json.dumps({"id":f"support-blind-{i:03d}","split":"test","text":text,"spans":spans},ensure_ascii=False)+"\n")
