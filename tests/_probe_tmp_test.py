import sys
from test_gaps import handbook
from test_second_edition import owned_by_segment, scale_handoff, found, built
from browser_support import article

def show(ds):
    for d in ds: print(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"], d["message"][:300])

def test_text_cut(project):
    hb = handbook(project)
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: success\norder: 3\nsummary: Post in #cs-escalations\n---\n")
    print("\nTEXTCUT plain"); show(found(hb))
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: success\norder: 3\nsummary: Post in #cs-escalations\naccept:\n  - code: text-cut-by-comment\n    reason: x\n---\n")
    print("TEXTCUT accepted"); show(found(hb))

def test_raci(project):
    hb = owned_by_segment(project)
    scale_handoff(hb)
    site = built(hb)
    raci = article(site, "journey/raci/index.html")
    print("\nRACI:", raci.text()[:2500])
