#!/usr/bin/env python3
"""Hand-written hard cases for people, places, birth dates and speech (test split).

Names that are also words, addresses in running prose, dates that are not birth dates, and
numbers and e-mail addresses said out loud in call transcripts. Written before the detector
was run on them; `python3 corpora/people_places_cases.py` rewrites
corpora/support_people_places_test.jsonl."""
from casefile import write_cases

R = [
 # Names that are ordinary words.
 ["Hi, this is ", ("PERSON", "Will Grant"), " from accounts, calling about the May invoice."],
 ["Will you grant me a refund? I'll bill it to the company otherwise."],
 ["Dear Ms. ", ("PERSON", "June Long"), ",\nYour parcel will arrive in June."],
 ["Mark the ticket as solved and send the rose gold model instead."],
 ["[14:02] Agent ", ("PERSON", "Rose"), ": the long delay was on the courier's side."],
 ["Thanks,\n", ("PERSON", "Bill Brown"), "\nAccounts Payable"],
 ["Brown boxes are fine, we don't need the premium wrapping."],
 ["my name is ", ("PERSON", "mark may"), " and i'd like to cancel"],
 ["Can you pass this to Dr. ", ("PERSON", "Hope Summers"), "? She handles warranty claims."],
 ["I hope the summer sale covers this model too."],
 ["Spoke with ", ("PERSON", "Sinéad Ní Bhriain"), " and ", ("PERSON", "Joost van Dijk"), " about the shared account."],
 ["From: ", ("PERSON", "Grace Lee"), " <", ("EMAIL_ADDRESS", "orders@example-shop.com"), ">\nSubject: Order status"],
 # Addresses in prose.
 ["Please ship the replacement to ", ("STREET_ADDRESS", "4821 Old Mill Road, Apt 12, Bend, OR 97701"), " instead of my office."],
 ["I live at ", ("STREET_ADDRESS", "17 Kingsley Gardens"), " now, the flat above the bakery."],
 ["The courier left it at ", ("STREET_ADDRESS", "22 Orchard Close, Reading RG4 7XX"), " which is my neighbour's house."],
 ["Neue Lieferadresse: ", ("STREET_ADDRESS", "Lindenstraße 48, 50674 Köln"), ", bitte bis Freitag."],
 ["Envoyez le colis au ", ("STREET_ADDRESS", "8 avenue Victor Hugo, 69006 Lyon"), " merci."],
 ["Mi dirección nueva es ", ("STREET_ADDRESS", "Calle de Toledo 112, 3º A, 28005 Madrid"), "."],
 ["Het adres is ", ("STREET_ADDRESS", "Prinsengracht 263, 1016 GV Amsterdam"), "."],
 ["Please use my parents' place: ", ("STREET_ADDRESS", "5 Church Road, Dublin 6, D06 C9F2"), "."],
 ["We have 3 Main Street stores in town and 2 Park Avenue outlets, all open Sunday."],
 ["Aisle 5 Bay 12 is where the returns are stacked."],
 ["The warehouse is on route 9, about 20 minutes from the depot."],
 ["My zip code is ", ("POSTAL_CODE", "30308"), " if that helps with the tax."],
 ["Postcode is ", ("POSTAL_CODE", "LS1 4DY"), " but the house number changed."],
 ["Our office: ", ("STREET_ADDRESS", "1 Infinite Loop, Cupertino, CA 95014"), " (front desk)."],
 # Dates that are and are not birth dates.
 ["For verification, can you confirm your date of birth?\nCustomer: it's ", ("DATE_OF_BIRTH", "12 August 1979"), "."],
 ["DOB ", ("DATE_OF_BIRTH", "04/11/1962"), ", policy renewed 04/11/2024."],
 ["The order was placed on 03/15/2024 and delivered on 03/19/2024."],
 ["I bought it as a birthday present, it was delivered on 12/03/2024 but broken."],
 ["Geburtsdatum: ", ("DATE_OF_BIRTH", "3. Mai 1988"), ", Kundennummer 558812."],
 ["Your trial ends on 1 March 2026 and the next charge is on 1 April 2026."],
 ["She was born ", ("DATE_OF_BIRTH", "July 4, 1990"), " so she qualifies for the senior plan? No, wait."],
 ["Date of birth (DD/MM/YYYY): ", ("DATE_OF_BIRTH", "29/02/1984"), "\nMember since: 14/06/2011"],
 ["Invoice date 2023-09-30, due date 2023-10-30, born-on-date sticker says 2023-09-01."],
 ["Patient DOB: ", ("DATE_OF_BIRTH", "1957-12-24"), "; appointment 2025-01-06 at 09:30."],
 # Speech: numbers said as words, e-mail addresses spelled out.
 ["customer: yeah my number is ", ("PHONE_NUMBER", "six one seven five five five oh one nine two"), " you can text me"],
 ["agent: and a callback number\ncustomer: ", ("PHONE_NUMBER", "three one two, double five, oh one four four"), " thanks"],
 ["customer: it's ", ("PHONE_NUMBER", "oh seven seven double oh nine double oh one two three"), " that's my mobile"],
 ["customer: the email is ", ("EMAIL_ADDRESS", "sarah dot oconnor at gmail dot com"), " all lower case"],
 ["customer: you can email me at ", ("EMAIL_ADDRESS", "k i m at example dot org"), " k i m yeah"],
 ["customer: it's ", ("EMAIL_ADDRESS", "tom underscore baker at outlook dot com")],
 ["customer: i looked at amazon dot com and it was cheaper there"],
 ["customer: i called like three or four times and waited twenty five minutes each time"],
 ["customer: the order number is four four seven two one nine eight eight three"],
 ["customer: my card number is ", ("CREDIT_CARD", "four five three nine, one four eight eight, oh three four three, six four six seven"), " expiry oh four twenty seven"],
 ["agent: and your social\ncustomer: ", ("US_SSN", "five three six three two three oh six five")],
 ["customer: i'm in room two oh four and the code was one two three four"],
 ["customer: hi my name is ", ("PERSON", "olga petrova"), " i'm calling from ", ("STREET_ADDRESS", "88 harbor drive")],
 ["agent: thank you for calling my name is ", ("PERSON", "dev"), " how can i help"],
]
write_cases(R, "support_people_places_test.jsonl", "support-pp", "redactyl_support_people_places")
