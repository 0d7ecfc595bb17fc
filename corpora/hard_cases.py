#!/usr/bin/env python3
"""Hand-written hard cases for the test split (decoys next to real values, unusual layouts).

The records are written here as segments so that byte offsets are computed, not typed:
`python3 corpora/hard_cases.py` rewrites corpora/support_hard_test.jsonl."""
from casefile import write_cases
# Each record: list of segments; a segment is a plain string or (label, text).
R = [
 ["Hi, it's ", ("PERSON","Dana"), ". My new number is ", ("PHONE_NUMBER","07911 123456"), ", the old one ", ("PHONE_NUMBER","0161 496 0000"), " is gone."],
 ["Reference for your claim: ", ("PHONE_NUMBER","0161 496 0000"), " is our office line, claim no. 7731-22."],
 ["Order 302-8841937-4471205 was split into two parcels, tracking 1Z 999 AA1 01 2345 6784."],
 ["Please charge the Visa ending 4242, full number ", ("CREDIT_CARD","4242 4242 4242 4242"), ", CVV on the back."],
 ["Your invoice total is 4,242.42 EUR due 2024-11-30; PO number 4500012345."],
 ["SSN? sure: ", ("US_SSN","219-09-9998"), " — wait no, that's my wife's. Mine is ", ("US_SSN","536 32 3065"), "."],
 ["The serial on the router label is SN 2024-0915-AB77 and the firmware is v3.10.2.118."],
 ["Customer wrote from ", ("EMAIL_ADDRESS","J.O'Connor-Smith+billing@mail.example.co.uk"), " about the duplicate charge."],
 ["Forwarded: '", ("EMAIL_ADDRESS","no-reply@notifications.example.com"), "' cannot receive replies; customer is at ", ("EMAIL_ADDRESS","kim.nguyen@example.org"), "."],
 ["Wire the refund to ", ("IBAN_CODE","DE44 5001 0517 5407 3249 31"), " (Sparkasse), not to the old account."],
 ["Our bank details for invoices: IBAN on request, BIC ", ("SWIFT_CODE","COBADEFFXXX"), ", VAT DE123456789."],
 ["Login alert: new sign-in from ", ("IP_ADDRESS","198.51.100.23"), " (Chrome on Windows) at 14:02 UTC."],
 ["Build 10.4.3.2 is rolling out; release notes at docs/10.4.3.2/changes.md."],
 ["Can you call me at ", ("PHONE_NUMBER","+1 (646) 555-0143"), " ext 12 between 9 and 5? Thanks."],
 ["Our support line is open 9-17 Monday to Friday, 365 days a year except holidays."],
 ["Tracking number 9405 5118 9956 1234 5678 90 shows 'label created' since 03/22."],
 ["She gave her Medicare number as ", ("AU_MEDICARE","2123 45670 1"), " when booking the appointment."],
 ["Account number on the statement: ", ("US_BANK_NUMBER","000123456789"), " (checking)."],
 ["Paste from the config ticket: API_KEY=", ("SECRET","9f8e7d6c5b4a39281706aa"), " and timeout=30000"],
 ["Please never send passwords by chat. If you did, reset it: the password field must be at least 12 characters."],
 ["Git token accidentally posted: ", ("SECRET","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"), " — revoked at 10:41."],
 ["Device IMEI ", ("IMEI","35-209900-176148-1"), " is blacklisted by the carrier."],
 ["Ticket #448213 merged into #448190; priority P2; SLA 48h; 3 attachments (2.4 MB)."],
 ["Mi DNI es ", ("ES_NIF","12345678Z"), " y el pedido 87654321 llegó roto."],
 ["NI number for the payroll query: QQ 12 34 56 C? No sorry, that's the example on the form, mine is ", ("UK_NINO","AB 12 34 56 C"), "."],
 ["ETA 2–3 business days; your RMA code is RMA-2024-00981 and the box weighs 12.5 kg."],
 ["Call back number: ", ("PHONE_NUMBER","020 7946 0018"), ". Best time: after 6.30pm."],
 ["The customer's card was declined (code 05). Last four digits 1881, expiry 11/26."],
 ["MAC of the faulty unit ", ("MAC_ADDRESS","3c:22:fb:9a:10:7e"), "; replaced under warranty W-771204."],
 ["Please verify: is ", ("EMAIL_ADDRESS","ops@example.com"), " still the billing contact? Also cc finance@ on 14/02."],
]
write_cases(R, "support_hard_test.jsonl", "support-hard", "redactyl_support_hard")
