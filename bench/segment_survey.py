"""Survey of sentence splitters on a fixed sample of Reuters-21578, with a small judged set.

Splitters: qa's own (`qa.segment.sentence_spans`) and, where installed (survey only; they are
not dependencies of qa): pysbd, syntok, blingfire. None downloads anything at run time.

    /work/venv/bin/pip install pysbd syntok blingfire      # for the survey only
    /work/venv/bin/python bench/segment_survey.py           # the tables of docs/SEGMENTATION.md
    /work/venv/bin/python bench/segment_survey.py --to-judge   # print unjudged sampled boundaries

Method:
- Sample: `--articles` (300) Reuters bodies drawn with `random.Random(--seed)` from all bodies
  of reut2-*.sgm (Latin-1, entities unescaped, the ^C end mark dropped, as bench/speed_corpus.py
  reads them). Each splitter gets the body after the dateline (qa's `body_start`), so all see
  the same text; offsets are mapped back to the body.
- A boundary is the start offset of a sentence other than the first (after trimming white
  space). Agreement between two splitters is the F1 of their boundary sets.
- Offsets: each splitter's spans must satisfy `text[start:end] == sentence`; spans that do not
  (or that overlap, or skip non-space text) are counted as offset errors.
- Judged set: with `random.Random(--seed)`, 60 boundaries on which the splitters disagree (15
  proposed by pysbd alone, which splits at nearly every hard wrap, and 45 of the other
  disputes) and 40 on which all agree, drawn from the pool the splitters gave *before* qa's rules were revised
  (the pool is stored as the keys of JUDGED below, so the set no longer moves with qa's code).
  A second batch, CHANGES, holds boundaries where the revised qa differs from the baseline qa.
  Every judgement below was made by reading the text around the boundary (annotator: the
  developer who wrote this file); True means "a sentence starts here".
- Precision/recall of a splitter on a batch: of the judged positions where it puts a boundary,
  how many are true; of the true positions, how many it finds. Positions no splitter proposes
  are not in the pool, so recall is relative to the union of the splitters.
- Speed: wall time over the sample for each splitter, sentences per second and µs per sentence
  (best of `--repeat` runs), one core.
"""
from __future__ import annotations

import argparse
import html
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest import _read_article, read_corpus  # noqa: E402
from qa.segment import sentence_spans  # noqa: E402

DATA = Path("/work/shared/data/reuters21578")
SEED_FILE = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"
_REUTERS = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)

Span = tuple[int, int]


# ---------------------------------------------------------------------------------- data
def reuters_bodies(folder: Path = DATA) -> list[tuple[str, str]]:
    """(id, body) of every Reuters article with a body, in file order."""
    out = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        for k, m in enumerate(_REUTERS.finditer(path.read_text(encoding="latin-1"))):
            body = _BODY.search(m.group())
            if body:
                text = html.unescape(body.group(1)).replace("\x03", "").strip()
                if text:
                    out.append((f"{path.stem[6:]}-{k}", text))
    return out


def sample(n: int, seed: int, folder: Path = DATA) -> list[tuple[str, str, int]]:
    """(id, body, body_start) of a fixed random sample of n bodies."""
    bodies = reuters_bodies(folder)
    picked = sorted(random.Random(seed).sample(range(len(bodies)), n))
    out = []
    for i in picked:
        doc_id, text = bodies[i]
        doc = _read_article(Path("x.jsonl"), text, doc_id)
        out.append((doc_id, text, doc.body_start))
    return out


# ------------------------------------------------------------------------------ splitters
def _trim(text: str, s: int, e: int) -> Span | None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else None


def split_qa(text: str, start: int) -> list[Span]:
    return list(sentence_spans(text, start))


def make_pysbd():
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str, start: int) -> list[Span]:
        out = []
        for span in seg.segment(text[start:]):
            t = _trim(text, start + span.start, start + span.end)
            if t:
                out.append(t)
        return out
    return split


def make_syntok():
    import syntok.segmenter as segmenter

    def split(text: str, start: int) -> list[Span]:
        out = []
        for paragraph in segmenter.analyze(text[start:]):
            for sent in paragraph:
                if sent:
                    out.append((start + sent[0].offset,
                                start + sent[-1].offset + len(sent[-1].value)))
        return out
    return split


def make_blingfire():
    import blingfire

    def split(text: str, start: int) -> list[Span]:
        body = text[start:]
        if not body.strip():
            return []
        _, offsets = blingfire.text_to_sentences_and_offsets(body)
        return [t for s, e in offsets if (t := _trim(text, start + s, start + e))]
    return split


BASELINE = "2bbe71f"  # qa's rules before this survey


def make_baseline():
    """qa's splitter as it was at commit BASELINE, read with git (None without git)."""
    import subprocess
    import types

    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASELINE}:qa/segment.py"],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("segment_baseline")
    exec(compile(source.replace("from .model import", "from qa.model import"),
                 f"{BASELINE}:qa/segment.py", "exec"), module.__dict__)
    return lambda text, start: list(module.sentence_spans(text, start))


def splitters() -> dict[str, callable]:
    found = {"qa": split_qa}
    baseline = make_baseline()
    if baseline:
        found["qa-" + BASELINE] = baseline
    for name, make in (("pysbd", make_pysbd), ("syntok", make_syntok),
                       ("blingfire", make_blingfire)):
        try:
            found[name] = make()
        except ImportError:
            print(f"({name} not installed: left out)", file=sys.stderr)
    return found


def offset_errors(text: str, start: int, spans: list[Span], sentences: list[str] | None = None
                  ) -> int:
    """Spans out of order, overlapping, or leaving out non-space text."""
    errors, pos = 0, start
    for s, e in spans:
        if not (pos <= s < e <= len(text)) or text[pos:s].strip():
            errors += 1
        pos = max(pos, e)
    if text[pos:].strip():
        errors += 1
    return errors


# ---------------------------------------------------------------------------- judgements
# Baseline pool: boundaries proposed by qa (commit 2bbe71f rules), pysbd 0.3.4, syntok 1.4.4 and
# blingfire 0.1.8 on the 300-article sample, seed 21578. Key "doc-id@offset" (offset into the
# body); value: (a sentence starts here?, why). Judged by reading each one.
JUDGED: dict[str, tuple[bool, str]] = {
    "000-360@37": (False, "[pysbd] hard wrap mid-sentence"),
        # Scientific Micro Systems Inc said it⏎ ‖ has acquired Supermac Technology, a rapidly g
    "000-360@421": (False, "[pysbd] hard wrap mid-sentence"),
        #  privately held firm based in Mountain View,⏎ ‖ California, as is Scientific Micro, reported 
    "000-360@482": (False, "[pysbd] hard wrap mid-sentence"),
        # s Scientific Micro, reported a net profit of⏎ ‖ 300,000 dlrs on revenue of 9.5 mln dlrs in fi
    "000-5@666": (True, "[pysbd,syntok,blingfire] table row ends '(82.7) .'; next row"),
        # rch 13.2, Apr 10.0, total⏎111.8 (82.7) .⏎     ‖ Linseed prev 34.8, Feb 32.9, Mar 6.8, Apr 6.3
    "000-5@736": (True, "[pysbd,syntok,blingfire] table row; next row"),
        # .9, Mar 6.8, Apr 6.3, total 80.8⏎(87.4).⏎     ‖ Soybean prev 100.9, Feb 45.1, MAr nil, Apr ni
    "000-5@1153": (True, "[pysbd,syntok,blingfire] table row; next row"),
        # l 61.8,⏎(76.1).                         ⏎     ‖ Soybean oil prev 3.7, Feb 21.1, Mar nil, Apr 
    "000-5@1257": (True, "[pysbd,syntok,blingfire] sign-off line"),
        # Jun 13.0, Jul 7.0, total 55.8 (33.7).         ‖ REUTER
    "000-560@530": (True, "[pysbd,syntok,blingfire] sign-off line"),
        # ervices group Prudential⏎Corp PLC [PRUL.L].⏎  ‖ Reuter
    "000-819@349": (False, "[pysbd] hard wrap mid-sentence"),
        # cement markets. Armstrong Tire Co, an Armtek⏎ ‖ unit, will continue to sell replacement indus
    "000-892@109": (False, "[blingfire] 'U.S. Under-Secretary': title follows U.S."),
        # l products within three years, visiting⏎U.S.  ‖ Under-Secretary of State for Economic Affairs
    "000-892@290": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # danren), a spokesman for Keidanren said.⏎     ‖ The spokesman quoted Wallis as saying drastic
    "000-939@567": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # y from December⏎when it climbed 4.2 pct.⏎     ‖ Total M2 and local M2 rose 32.5 pct and 23.9 
    "000-939@1005": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # rs from December when they rose 1.2 pct.⏎     ‖ Loans for financing Hong Kong's visible trade
    "003-485@24": (True, "[pysbd,blingfire] results table: next line item"),
        # Shr 28.5p vs 26.6p.⏎     ‖ Final div 8p, making 13p vs 12p.⏎    Pre-tax 
    "003-533@3126": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # tly from the one the official described.⏎     ‖ But the official expressed deep misgivings th
    "003-533@5032": (False, "[pysbd,syntok,blingfire] ellipsis inside a quotation"),
        #  (cutting the spread) is debt forgiveness...  ‖ What it really⏎is is narrowing the spread on 
    "003-545@508": (False, "[pysbd,syntok,blingfire] ellipsis inside a quotation"),
        # spokesman said the ruling "indicates the ...  ‖ Railway⏎bearer bonds case is finally closed."
    "003-61@1117": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ority of Georgia and the city of Dalton.⏎     ‖ Georgia Power said the revised Vogtle budget 
    "003-947@554": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # he company,⏎although he may buy more stock.⏎  ‖ Reuter
    "004-126@623": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # f directors⏎of companies they invest in.⏎     ‖ "Boards cannot expect protection from unwelco
    "004-126@1857": (False, "[qa,qa-2bbe71f,pysbd,blingfire] two-dot ellipsis inside a quotation"),
        # City who act for companies or individuals ..  ‖ Must, I suggest,⏎be ready to accept a full me
    "004-202@263": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # oyds⏎Shipping Intelligence Service said.⏎     ‖ The Juvena, 53,351 tonnes dw, ran aground out
    "004-726@4187": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ds by which the 1987 budget⏎deficit was cut.  ‖ He said 18 to 19 billion dlrs were eliminated
    "004-726@4351": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # x reform and sales of government assets.⏎     ‖ "Another four billion dlrs was cut by what I 
    "004-9@339": (True, "[qa,qa-2bbe71f,pysbd,syntok] new quotation, lower-case 'this'"),
        # ntil it is justified by economic growth.⏎     ‖ "this year we'll be reducing the stock of deb
    "004-9@393": (False, "[pysbd] hard wrap inside a quotation"),
        # r we'll be reducing the stock of debt by 300⏎ ‖ million dollars," he said.⏎    He told report
    "004-9@424": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # f debt by 300⏎million dollars," he said.⏎     ‖ He told reporters his government aims to redu
    "005-334@1335": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ceeding with the Reebok acquisition of Avia.  ‖ It also⏎requests damages to be determined at 
    "005-418@517": (True, "[pysbd,syntok,blingfire] after '<ABNN.AS>.'"),
        # ged by Algemene Bank⏎Nederland NV <ABNN.AS>.  ‖ Details of the first tranche of the⏎program a
    "005-768@580": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  February from about 15 dlrs in January.⏎     ‖ The average value of the yen against the doll
    "005-804@537": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # the worst⏎since 1974, when GNP fell 1.4 pct.  ‖ Agency officials blamed the⏎strong yen for de
    "005-816@1609": (False, "[pysbd] hard wrap mid-sentence"),
        # nment revenue, excluding proceeds from sales⏎ ‖ of government bonds, but including the carrie
    "006-468@524": (False, "[pysbd] hard wrap mid-sentence"),
        # able for five years into an 8.25 pct 10-year⏎ ‖ non-callable bond.⏎    The note is callable a
    "006-718@751": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # tsu⏎Ltd if successful in its buyout bid.⏎     ‖ Futjitsu withdrew an offer to acquire some 80
    "006-972@1090": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # etails of the proposed plan were available.⏎  ‖ REUTER
    "007-218@1229": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ng of⏎1.8 billion dlrs for fiscal year 1988.  ‖ In addition, it is⏎seeking about 290 mln dlrs
    "007-218@1507": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # reform their domestic economic policies.⏎     ‖ He said most of the loans made by the develop
    "007-22@500": (False, "[pysbd] hard wrap mid-sentence"),
        # d by Anglo American Corp of South Africa Ltd⏎ ‖ <ANGL.J> also returned to their jobs on Tuesd
    "007-293@450": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # was well tolerated in the patients⏎studied.⏎  ‖ Reuter
    "007-309@1123": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  for⏎the course of the economy, it said.⏎     ‖ In view of the limits to the possibilities mo
    "007-60@934": (True, "[qa,qa-2bbe71f,pysbd] sentence opens with a year"),
        # 8 dlrs in quarter and 1.57 dlrs in year.⏎     ‖ 1986 results also include an after-tax charge
    "007-924@3907": (False, "[syntok] ellipsis inside a quotation"),
        # .⏎    "It puts a cloud over it for a while... ‖ The market is⏎anxious to see them consumate w
    "008-798@672": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # lrs or⏎44 cts from 84.4 mln dlrs or one dlr.  ‖ Sales grew 23.5 pct in⏎the quarter to 398.1 m
    "009-100@315": (True, "[qa,qa-2bbe71f,pysbd] sentence opens with a year"),
        #  loss of foreign affiliates of 2.0 mln dlrs.  ‖ 1985 includes⏎loss from foreign affiliates of
    "009-304@222": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ender, the U.K. Intervention Board⏎said.⏎     ‖ Out of this, traders in West Germany received
    "009-713@531": (False, "[pysbd,syntok,blingfire] four dots inside a quotation that goes on to 'he said'"),
        #   "The PINs proposal has been laid aside....  ‖ The discussion is⏎now on pricing (of just the
    "009-713@919": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  when an overall agreement⏎might be reached.  ‖ The talks have been going on for more than⏎th
    "009-875@35": (False, "[pysbd] hard wrap mid-sentence"),
        # Vishay Intertechnology Inc said it⏎ ‖ has received a total of 2,362,616 common shar
    "009-881@1323": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # ion, which adjoins⏎Libya's southern border.⏎  ‖ Reuter
    "009-974@2026": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ublic sector, banks and federal post office.  ‖ Negotiations⏎began in December and unions are
    "009-980@400": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  4,257,000 dlrs on sales of 286.7⏎mln dlrs.   ‖ The prior year earnings included a 2,100,000 
    "010-332@705": (True, "[qa,qa-2bbe71f,pysbd,blingfire] 'Co Ltd.' ends the sentence"),
        # wa Bank and Yasuda Trust and⏎Banking Co Ltd.  ‖ They will be underwriting three mln dlrs each
    "010-332@845": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # o-manager with⏎a two mln dlr commitment.⏎     ‖ Westpac launched the facility early this mont
    "010-343@3232": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # ilders have a⏎rate of around 5-7/16 pct.⏎     ‖ Amro bank argues that the Dutch real interest
    "010-465@421": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # with maturities shorter than five years.⏎     ‖ Daiwa International (Europe) Ltd is the other
    "010-485@1152": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # ared to central bank⏎predictions of 1.5 pct.  ‖ Jobs were his top priority, he said.⏎    For 
    "010-520@763": (True, "[qa,qa-2bbe71f,pysbd,syntok] sign-off line"),
        # hwestern Energy Production Co, with 15 pct.⏎  ‖ Reuter
    "010-696@2960": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # nces will be⏎harder for Germans to overcome.  ‖ Success may depend on whether⏎Japanese parent
    "010-707@478": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # pared to 97.05⏎billion guilders in November.  ‖ It was up 9.4 pct on its level a⏎year before.
    "010-99@957": (False, "[pysbd] hard wrap mid-sentence"),
        # ee chief Jorio Dauster said yesterday Brazil⏎ ‖ would not change its coffee policies.⏎    Car
    "011-223@3443": (False, "[blingfire] 'neither the U.S. Nor the Soviet Union': sentence goes on"),
        # ⏎become operational because neither the U.S.  ‖ Nor the Soviet⏎Union has ratified it. U.S. Of
    "011-223@3759": (True, "[qa,qa-2bbe71f,pysbd,syntok] 'U.S. Officials' opens the sentence"),
        # looking at each commodity⏎pact case by case.  ‖ U.S. Officials said it has been willing to⏎st
    "011-223@6028": (False, "[syntok] ellipsis inside a quotation"),
        # ntry that doesn't stick to its obligations... ‖ The German⏎approach is sceptical. We don't th
    "011-223@6414": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  links with Third⏎World producing countries.  ‖ But recently demands for more⏎stringent and j
    "011-223@6937": (True, "[qa,qa-2bbe71f,pysbd,syntok] 'U.K. Delegates' opens the sentence"),
        # ng that occurred in the tin pact, they said.  ‖ U.K.⏎Delegates talk of stabilisation and the 
    "011-223@7733": (True, "[qa,qa-2bbe71f,syntok,blingfire] after a closing quotation"),
        # to commodity⏎agreements as an act of faith."  ‖ Nicaraguan External Trade⏎Minister Alejandro 
    "011-323@550": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # e through the lower dollar, Loudon said.⏎     ‖ He said a more important factor was the speed
    "011-556@807": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  for⏎more than 10 years," Steneker said.⏎     ‖ Representatives of American Baptist Churches 
    "011-589@557": (False, "[pysbd] hard wrap mid-sentence"),
        #  company's outstanding 8-3/4 pct convertible⏎ ‖ subordinated debentures of 2008, Burlington s
    "012-451@1095": (True, "[pysbd,syntok] next sentence opens with '<Evergo ...>'"),
        # s⏎other companies would make similar issues.  ‖ <Evergo Industrial⏎Enterprise Ltd>, now suspe
    "012-451@2274": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ed any measures⏎against existing "B" stocks.  ‖ Other existing "B" stocks are all⏎issued by u
    "012-509@420": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # exceeds the⏎conversion price by 150 pct.⏎     ‖ Final terms will be fixed on April 9. The sel
    "012-826@3781": (True, "[qa,qa-2bbe71f,syntok,blingfire]"),
        # s a share," said DLJ Securities' Hassenberg.  ‖ "But I'm⏎certain that in Dingman's mind, the 
    "012-901@149": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  of its product lines, effective June 1.⏎     ‖ The company estimates that the net effect of 
    "013-560@436": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        #  high of 124-19/32 but met chart resistance.  ‖ A⏎wave of professional sales hit the market a
    "013-849@386": (True, "[pysbd,syntok,blingfire] separator line '----'"),
        #  add to the negative sentiment in old crop.⏎  ‖ ----⏎ Brazil's soybean harvest was 24 pct com
    "014-132@47": (True, "[pysbd] table: one row per line"),
        #  bushels⏎ Truck Receipts⏎  Wheat    73,684⏎   ‖ Corn     17,979⏎  Grain⏎  Sorghum   4,391⏎  S
    "014-393@325": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # ket with funds from its working capital.⏎     ‖ The partnership, whose sole general partner i
    "014-885@137": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # te sugar⏎for arrival in June, traders said.⏎  ‖ REUTER
    "015-959@702": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # was 86,254,846 versus 82,355,864 a year ago.  ‖ Inventory was⏎75,212,711 versus 75,985,696 a 
    "016-692@283": (True, "[qa,qa-2bbe71f,pysbd] sign-off line"),
        # president and chief executive of Ex-Cell-O.⏎  ‖ Reuter
    "017-435@178": (False, "[pysbd,syntok,blingfire] ellipsis inside a quotation"),
        # s the most powerful (country) in the Gulf...⏎ ‖ Will not allow the superpowers or any other f
    "017-449@463": (True, "[pysbd,syntok] after a bracketed all-caps line, new indented paragraph"),
        # .⏎    (SEE ECRA FOR SPOTLIGHT HEADLINES)⏎     ‖ "We are looking at trade, interest rates and 
    "017-449@1765": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # interest rates," one official here said.⏎     ‖ "The new increase in interest rates has come 
    "017-449@2752": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # d refinancing package agreed last September.  ‖ But there have⏎also been setbacks, like Brazi
    "017-449@2947": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # been forced to browbeat reluctant banks.⏎     ‖ "We have clearly stretched the restructuring 
    "017-965@631": (False, "[pysbd] hard wrap inside a quotation"),
        # tervening to a very much greater extent than⏎ ‖ we have done hitherto," Chancellor of the Exc
    "017-965@2503": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # s or transactions on the⏎forward market.⏎     ‖ The market also seemed to have overestimated 
    "017-965@4353": (False, "[blingfire] 'doubted the U.K. Will go in': sentence goes on"),
        # t, unlike many analysts, he doubted the U.K.  ‖ Will go in.⏎ REUTER
    "017-965@4366": (True, "[qa,qa-2bbe71f,pysbd,syntok] sign-off line"),
        # y analysts, he doubted the U.K. Will go in.⏎  ‖ REUTER
    "018-328@179": (False, "[blingfire] 'Sen. John Glenn': title"),
        # p oil flowing through the waterway.⏎    Sen.  ‖ John Glenn and John Warner, in Kuwait as part
    "018-328@598": (True, "[qa,qa-2bbe71f,pysbd,syntok]"),
        # ait's 22-tanker fleet⏎fly the U.S. flag.⏎     ‖ Glenn and Warner said the U.S., Britain and F
    "018-730@3062": (False, "[blingfire] comma after U.S., sentence goes on"),
        # st⏎Germans will be greater than in the U.S.,  ‖ Although the rate⏎reductions are smaller and 
    "019-190@528": (False, "[blingfire] comma after U.K., sentence goes on"),
        # xed rate mortgages are uncommon in the U.K.,  ‖ They⏎were the mainstay of the business in the
    "019-190@3858": (False, "[blingfire] comma after U.S., sentence goes on"),
        # n with floating rate⏎mortgages. In the U.S.,  ‖ Where fixed rate mortgages are popular⏎again,
    "019-515@1033": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire]"),
        # n's new fighter aircraft for the 1990's.⏎     ‖ "I assured Minister Kurihara that I support h
    "020-20@252": (False, "[pysbd] hard wrap inside a quotation"),
        #  monitor these developments closely and will⏎ ‖ continue to hope that they do not precipitate
    "020-25@544": (False, "[pysbd] hard wrap mid-sentence ('from 13,200 from / 14,700')"),
        # ight trucks fell in September to 13,200 from⏎ ‖ 14,700, while heavy truck production was unch
    "020-679@129": (True, "[qa,qa-2bbe71f,pysbd,syntok] sign-off line after a table"),
        # n⏎    Avg shrs 79,800,000 vs 78,200,000⏎   ⏎  ‖ Reuter
    "020-690@608": (True, "[qa,qa-2bbe71f,pysbd,syntok,blingfire] sign-off line"),
        # ratio of total debt to operating cash flow.⏎  ‖ Reuter
}

# Boundaries where the revised qa differs from the baseline qa: 40 of the 379 differences on the
# sample (378 added, 1 removed), drawn with seed 21578 after the rules were final.
CHANGES: dict[str, tuple[bool, str]] = {
    "000-162@50": (True, "[qa,pysbd] table row / line item: next row"),
        # div four cts vs four cts⏎    Pay April 3⏎     ‖ Record March 23⏎ Reuter
    "000-162@67": (True, "[qa,pysbd] sign-off line"),
        # our cts⏎    Pay April 3⏎    Record March 23⏎  ‖ Reuter
    "000-5@592": (True, "[qa,pysbd] table row / line item: next row"),
        # subproducts, as follows,⏎    SUBPRODUCTS⏎     ‖ Wheat prev 39.9, Feb 48.7, March 13.2, Apr 10
    "000-5@819": (True, "[qa,pysbd,syntok,blingfire] table row / line item: next row"),
        #  Apr nil, May 20.0,⏎total 166.1 (218.5).⏎     ‖ Sunflowerseed prev 48.6, Feb 61.5, Mar 25.1, 
    "000-5@947": (True, "[qa,pysbd] table row / line item: next row"),
        # etable oil registrations were :         ⏎     ‖ Sunoil prev 37.4, Feb 107.3, Mar 24.5, Apr 3.
    "000-508@39": (True, "[qa,pysbd] table row / line item: next row"),
        # Mthly div 3.6 cts vs 3.6 cts prior⏎     ‖ Pay March 13⏎    Record March Two⏎ Reuter
    "000-898@175": (True, "[qa,pysbd] table row / line item: next row"),
        # s 646.7 mln⏎    Tax 18.4 mln vs 15.2 mln⏎     ‖ Finance charges 4.1 mln vs 5.4 mln⏎    Minori
    "001-540@199": (True, "[qa,pysbd] table row / line item: next row"),
        #   Net loss 7,030,235 vs profit 9,163,141⏎     ‖ Revs 149.4 mln vs 167.9 mln⏎    NOTE: income 
    "002-252@122": (True, "[qa,pysbd] table row / line item: next row"),
        # .6 mln⏎    Avg shrs 39.6 mln vs 37.1 mln⏎     ‖ Year⏎    Shr 1.34 dlrs vs 1.64 dlrs⏎    Net 5
    "002-41@87": (True, "[qa,pysbd] table row / line item: next row"),
        # 1,600,000⏎    Sales 68.2 mln vs 69.6 mln⏎     ‖ Nine mths⏎    Shr 60 cts vs 43 cts⏎    Net 7,
    "002-41@157": (True, "[qa,pysbd] table row / line item: next row"),
        # vs 43 cts⏎    Net 7,100,000 vs 4,700,000⏎     ‖ Sales 214.0 mln vs 219.5 mln⏎ Reuter
    "002-750@119": (True, "[qa,pysbd] table row / line item: next row"),
        #  mln⏎    Avg shrs 2,789,000 vs 1,961,000⏎     ‖ Nine mths⏎    Shr 39 cts vs 90 cts⏎    Net 1,
    "002-855@175": (True, "[qa,pysbd] table row / line item: next row"),
        # Oper shr profit 57 cts vs loss 2.76 dlrs⏎     ‖ Oper net profit 7,072,000 vs loss 34.2 mln⏎  
    "003-485@324": (True, "[qa,pysbd] table row / line item: next row"),
        # reciation 145.7 mln stg vs 158.1⏎    Mln⏎     ‖ Investment and interest income 5.4 mln vs 3.8
    "003-485@587": (False, "[qa,pysbd] indented continuation of a table row ('12.6 / Mln vs 11.2 mln')"),
        #  to outside shareholders' interests 12.6⏎     ‖ Mln vs 11.2 mln⏎    Note - Extraordinary debi
    "003-485@1108": (True, "[qa,pysbd] table row / line item: next row"),
        # ⏎    Continental Europe 77 mln vs 56 mln⏎     ‖ U.S.A. 28 mln vs 51 mln⏎    Rest of world sev
    "004-156@111": (True, "[qa,pysbd] table row / line item: next row"),
        #  564,000⏎    Revs 7,508,000 vs 1,913,000⏎     ‖ Year⏎    Shr profit 15 cts vs loss 28 cts⏎   
    "004-356@113": (True, "[qa,pysbd] table row / line item: next row"),
        # cts vs 60 cts⏎    Net 4.3 mln vs 3.1 mln⏎     ‖ NOTE:1985 net includes tax loss carryforward 
    "004-813@56": (True, "[qa,pysbd] table row / line item: next row"),
        # vs 85 cts⏎    Net 2,033,425 vs 3,718,325⏎     ‖ Revs 120.6 mln vs 79.5 mln⏎    NOTE: 1986 net
    "004-9@671": (True, "[qa,pysbd] all lower-case article, new paragraph"),
        # ed to total 287 mln⏎dollars, seaga said.⏎     ‖ yesterday jamaica agreed with creditor banks 
    "006-247@45": (True, "[qa,pysbd] table row / line item: next row"),
        # Oper shr profit one ct vs loss 1.14 dlrs⏎     ‖ Oper net profit 435,000 vs loss 19.9 mln⏎    
    "006-247@184": (True, "[qa,pysbd] table row / line item: next row"),
        #    Oper net loss 10 mln vs loss 46.5 mln⏎     ‖ NOTE: Excludes investment gains of one ct per
    "007-515@112": (True, "[qa,pysbd] table row / line item: next row"),
        # 000⏎    Revs 1.7 mln vs 1.4 mln⏎    Year⏎     ‖ Shr profit four cts vs loss two cts⏎    Net p
    "007-515@219": (True, "[qa,pysbd] table row / line item: next row"),
        # loss 290,000⏎    Revs 5.9 mln vs 5.5 mln⏎     ‖ NOTE:1986 net includes realized investment ga
    "007-60@301": (True, "[qa,pysbd] table row / line item: next row"),
        # n⏎    Sales 4.09 billion vs 3.98 billion⏎     ‖ Avg shrs 20.2 mln vs 19.6 mln⏎    NOTES: Shar
    "009-100@72": (True, "[qa,pysbd] table row / line item: next row"),
        # cts⏎    Net loss 2.4 mln vs loss 880,000⏎     ‖ Revs 2.4 mln vs 2.6 mln⏎    Year⏎    Shr loss
    "009-236@195": (True, "[qa,pysbd] table row / line item: next row"),
        # ⏎    Net loss 49.3 mln vs loss 6,544,000⏎     ‖ Revs 109.0 mln vs 141.9 mln⏎    NOTE: 1986 ne
    "011-132@158": (True, "[qa,pysbd] 'Inc.' then an indented paragraph"),
        # ia operation to H and S - San Mateo⏎Inc.⏎     ‖ Terms were not disclosed.⏎ Reuter
    "012-80@598": (True, "[qa,pysbd] sign-off line"),
        #    0⏎ ZEN-NOH                      1      1⏎  ‖ reuter
    "013-614@120": (True, "[qa,pysbd] table row / line item: next row"),
        # 2,055,000⏎    Sales 87.3 mln vs 70.4 mln⏎     ‖ Nine mths⏎    Shr 1.20 dlrs vs 1.12 dlrs⏎    
    "013-622@52": (True, "[qa,pysbd] table row / line item: next row"),
        # OPEN   CHANGE ⏎ MAY  2515  15541   off  885⏎  ‖ JNE  2742  15315   off  139⏎ JLY   936   5362
    "013-622@110": (True, "[qa,pysbd] table row / line item: next row"),
        # 315   off  139⏎ JLY   936   5362   off   39⏎  ‖ AUG   213   1421   up   104⏎ SEP    21    945
    "015-579@196": (True, "[qa,pysbd] table row / line item: next row"),
        # NOS AIRES.......24.......12............0⏎     ‖ BAHIA BLANCA.......22........7............0⏎ 
    "015-579@484": (True, "[qa,pysbd] table row / line item: next row"),
        # DOBA............23.......12............1⏎     ‖ SANTA FE...........21.......18...........17 R
    "016-653@23": (True, "[qa,pysbd] table row / line item: next row"),
        # Qtr ended March 31⏎     ‖ Shr 88 cts⏎    Net 973,000 vs 713,000⏎    Six
    "016-653@38": (True, "[qa,pysbd] table row / line item: next row"),
        # Qtr ended March 31⏎    Shr 88 cts⏎     ‖ Net 973,000 vs 713,000⏎    Six mths⏎    Shr 1
    "017-581@45": (True, "[qa,pysbd] table row / line item: next row"),
        # Qtly div five cts vs five cts previously⏎     ‖ Pay July One⏎    Record June 15⏎ Reuter
    "020-400@133": (True, "[qa,pysbd] table row / line item: next row"),
        # 74 dlrs⏎    Net 22,110,000 vs 20,379,000⏎     ‖ Avg shrs 13,459,000 vs 11,740,000⏎    Note: P
    "020-475@132": (True, "[qa,pysbd] table row / line item: next row"),
        #  Nine mths⏎    Oper shr 77 cts vs 71 cts⏎     ‖ Oper net 8,301,000 vs 7,298,000⏎    Revs 634.
    "021-235@69": (True, "[qa,pysbd] table row / line item: next row"),
        # ts vs 20 cts⏎    Net 733,980 vcs 871,720⏎     ‖ Revs 14.7 mln vs 12.0 mln⏎    Avg shrs 5,130,
}


# ------------------------------------------------------------------------------- measures
def boundaries(spans: list[Span]) -> set[int]:
    return {s for s, _ in spans[1:]}


def f1(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def context(text: str, at: int, width: int = 90) -> str:
    left = text[max(0, at - width):at].replace("\n", "⏎")
    right = text[at:at + width].replace("\n", "⏎")
    return f"{left} ‖ {right}"


def precision_recall(gold: dict[str, tuple[bool, str]], proposed: set[str]) -> tuple[float, float,
                                                                                        int, int]:
    said = [k for k in gold if k in proposed]
    true = [k for k, (v, _) in gold.items() if v]
    tp = sum(gold[k][0] for k in said)
    p = tp / len(said) if said else float("nan")
    r = tp / len(true) if true else float("nan")
    return p, r, tp, len(said)


UNIT_CASES = [  # the cases of tests/test_segment.py, and the points
    ("Two U.S. officials said so. They left.", ["Two U.S. officials said so.", "They left."]),
    ("He met U.S. President Trump on Monday.", ["He met U.S. President Trump on Monday."]),
    ("The talks moved to the U.S. The move surprised many.",
     ["The talks moved to the U.S.", "The move surprised many."]),
    ("“We will strike ... and We will continue,” he said. Then he left.",
     ["“We will strike ... and We will continue,” he said.", "Then he left."]),
    ("Militias are fighting in the province\n\nThe army said more.",
     ["Militias are fighting in the province", "The army said more."]),
    ("The unit said . The army left.", ["The unit said .", "The army left."]),
    ("Mr. Smith arrived. He spoke.", ["Mr. Smith arrived.", "He spoke."]),
    ("It fell 5.5 pct in Jan. 1987 trading. Shares rose.",
     ["It fell 5.5 pct in Jan. 1987 trading.", "Shares rose."]),
    ("J. P. Morgan Chase said so. Others agreed.",
     ["J. P. Morgan Chase said so.", "Others agreed."]),
    ("Is it over? Nobody knows! \"Yes.\" He said.",
     ["Is it over?", "Nobody knows!", "\"Yes.\"", "He said."]),
    ("The profit was 12 mln dlrs\nin the quarter. It rose.",
     ["The profit was 12 mln dlrs\nin the quarter.", "It rose."]),
]


def unit_checks(split) -> tuple[int, int, list[str]]:
    """(cases passed, cases, failures) on UNIT_CASES plus the seed article's 13 sentences."""
    failures = []
    for text, expected in UNIT_CASES:
        got = [text[s:e] for s, e in split(text, 0)]
        if got != expected:
            failures.append(f"{text!r}: {got}")
    doc = read_corpus([SEED_FILE]).documents[0]
    got = split(doc.text, doc.body_start)
    if len(got) != 13:
        failures.append(f"seed article: {len(got)} sentences, not 13")
    return len(UNIT_CASES) + 1 - len(failures), len(UNIT_CASES) + 1, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=21578)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--to-judge", action="store_true",
                    help="print sampled boundaries that are not judged yet, and stop")
    ap.add_argument("--changes", type=int, default=40,
                    help="how many qa-vs-baseline changes to sample in --to-judge")
    args = ap.parse_args(argv)

    docs = sample(args.articles, args.seed, args.data)
    split = splitters()
    names = list(split)
    spans: dict[str, dict[str, list[Span]]] = {n: {} for n in names}
    speed: dict[str, tuple[int, float]] = {}
    errors: dict[str, int] = {}
    for n in names:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = {doc_id: split[n](text, start) for doc_id, text, start in docs}
            best = min(best, time.perf_counter() - t0)
        spans[n] = out
        speed[n] = (sum(len(v) for v in out.values()), best)
        errors[n] = sum(offset_errors(text, start, out[doc_id]) for doc_id, text, start in docs)

    keys = {n: {f"{d}@{b}" for d, _, _ in docs for b in boundaries(spans[n][d])} for n in names}
    # The judged pool is that of the baseline qa and the others (the revised qa is left out).
    pool = [n for n in names if n != "qa"] if "qa-" + BASELINE in names else names
    union = set().union(*(keys[n] for n in pool))
    agreed = set.intersection(*(keys[n] for n in pool))
    disputed = union - agreed
    texts = {d: t for d, t, _ in docs}

    if args.to_judge:
        rng = random.Random(args.seed)
        # pysbd alone splits at nearly every hard wrap: those would fill a uniform sample of the
        # disputes, so they are a stratum of 15 and the other disputes one of 45.
        alone = sorted((k for k in disputed if [n for n in pool if k in keys[n]] == ["pysbd"]),
                       key=_order)
        others = sorted(disputed - set(alone), key=_order)
        pool_a = sorted(agreed, key=_order)
        picked = (rng.sample(alone, min(15, len(alone))) + rng.sample(others, min(45, len(others)))
                  + rng.sample(pool_a, min(40, len(pool_a))))
        if JUDGED:  # the baseline pool is fixed: only the changes of revised qa are new
            old = keys["qa-" + BASELINE]
            changed = sorted(keys["qa"] ^ old, key=_order)
            picked = random.Random(args.seed).sample(changed, min(args.changes, len(changed)))
        for k in sorted(picked, key=_order):
            if k in JUDGED or k in CHANGES:
                continue
            d, b = k.split("@")
            who = ",".join(n for n in names if k in keys[n])
            print(f'    "{k}": (None, "[{who}]"),  # {context(texts[d], int(b))}')
        return 0

    print(f"Reuters-21578 sample: {len(docs)} articles (seed {args.seed}); "
          f"boundaries: union {len(union)}, all agree {len(agreed)}, disputed {len(disputed)}\n")
    print("| splitter | sentences | µs/sentence | sentences/s | offset errors | "
          "unit cases + seed | F1 vs " + " | F1 vs ".join(names) + " |")
    print("|---" * (6 + len(names)) + "|")
    unit = {n: unit_checks(split[n]) for n in names}
    for n in names:
        count, secs = speed[n]
        passed, total, _ = unit[n]
        agree = " | ".join(f"{f1(keys[n], keys[m]):.3f}" for m in names)
        print(f"| {n} | {count} | {1e6 * secs / count:.1f} | {count / secs:,.0f} | {errors[n]} | "
              f"{passed}/{total} | {agree} |")
    for batch, gold in (("judged (60 disputed + 40 agreed)", JUDGED),
                        ("changes of revised qa vs baseline", CHANGES)):
        if not gold:
            continue
        n_true = sum(v for v, _ in gold.values())
        print(f"\n{batch}: {len(gold)} boundaries, {n_true} true\n")
        print("| splitter | precision | recall | true found / proposed |")
        print("|---|---|---|---|")
        for n in names:
            p, r, tp, said = precision_recall(gold, keys[n])
            print(f"| {n} | {p:.3f} | {r:.3f} | {tp}/{said} (of {n_true} true) |")
        missing = [k for k in gold if k.split("@")[0] not in texts]
        if missing:
            print(f"({len(missing)} judged keys not in this sample)")
    print()
    for n in names:
        for f in unit[n][2]:
            print(f"{n} fails: {f}")
    if "qa-" + BASELINE in names:
        old = keys["qa-" + BASELINE]
        print(f"\nqa vs qa-{BASELINE}: {len(keys['qa'] - old)} boundaries added, "
              f"{len(old - keys['qa'])} removed")
    unjudged = [k for k in keys["qa"] - agreed if k not in JUDGED and k not in CHANGES]
    if JUDGED:
        print(f"\nqa boundaries in dispute not judged in either batch: {len(unjudged)}")
    return 0


def _order(key: str) -> tuple[str, int]:
    d, b = key.split("@")
    return d, int(b)


if __name__ == "__main__":
    sys.exit(main())
