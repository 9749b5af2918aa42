"""/said and /sources in the interactive session, driven as a user types them."""
import io

from qa import repl
from qa.render import make_console


def session(index):
    buf = io.StringIO()
    return repl.Session(index, make_console(buf, color=False)), buf


def test_said_lists_the_observatory_and_completes_source_names(seed_index):
    s, buf = session(seed_index)
    s.handle("/said Observatory")
    out = buf.getvalue()
    assert out.count("  sentence ") == 3
    assert "hundreds of strikes, it said." in out and "= The Syrian Observatory" in out
    s.handle("/k 1")
    s.handle("/said observatory")
    assert "showing 1 of 3 statements (/k N for more)" in buf.getvalue()
    completions = [c for c, _, _ in repl.command_completions(s, "/said Obs")]
    assert completions == ["Syrian Observatory for Human Rights"]
    completions = [c for c, _, _ in repl.command_completions(s, "/said hez")]
    assert set(completions) == {"Hezbollah",
                                "military media unit run by the Lebanese Hezbollah group"}
    assert "/said" in [c for c, _, _ in repl.command_completions(s, "/sa")]


def test_said_about_json_and_errors(seed_index):
    s, buf = session(seed_index)
    s.handle("/json on")
    s.handle("/said Hezbollah --about 10 km")
    out = buf.getvalue()
    assert '"sentence": 1' in out and '"content": "The government forces' in out
    s.handle("/said")
    assert "/said needs a NAME, e.g. /said Syrian Observatory for Human Rights" in buf.getvalue()
    s.handle("/said nobody")
    assert "no source matches 'nobody'" in buf.getvalue()


def test_sources_lists_six_and_those_that_spoke_about_words(seed_index):
    s, buf = session(seed_index)
    s.handle("/sources")
    lines = buf.getvalue().splitlines()
    assert len(lines) == 6 and lines[0].split()[0] == "3"
    s.handle("/sources clashes")
    [about] = buf.getvalue().splitlines()[6:]
    assert "1 about" in about and "Syrian Observatory for Human Rights" in about
    s.handle("/sources zebra")
    assert "no source spoke about 'zebra'" in buf.getvalue()
