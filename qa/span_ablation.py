"""The answer model's token features without some feature families, for the ablation
(`bench/train_answers.py --drop`): a token at a time, as the features were first written;
`span_features._groups` puts the full set together faster and must give the same lists."""
from __future__ import annotations


def dropped_groups(drop, lowers, lex, shp, edges, cls, cls_edge, flag, distances, qm, tp,
                   before, density) -> list[list[tuple[int, ...]]]:
    """`span_features._groups` without the feature families in `drop`."""
    edge_w, edge_s, end_w, end_s = edges
    left, right, left_off, right_off = distances
    n = len(lowers)
    features = []
    for k in range(n):
        pw, ps = (lex[k - 1], shp[k - 1]) if k else (edge_w, edge_s)
        nw, ns = (lex[k + 1], shp[k + 1]) if k + 1 < n else (end_w, end_s)
        flags = ["dl=" + left[k], "dr=" + right[k]]
        if qm[k]:
            flags.append("q")
        if tp[k]:
            flags.append("tp" + tp[k])
        flags.append("al=" + left[k] + left_off[k])
        flags.append("ar=" + right[k] + right_off[k])
        if k and lowers[k - 1] == before:
            flags.append("pb")
        flags.append(density[k])
        groups = _dropped(drop, lex[k], pw, nw, shp[k], ps, ns)
        flags = [f for f in flags if _family(f) not in drop]
        if cls is not None:
            groups += [cls[k][0], cls[k - 1][1] if k else cls_edge[1],
                       cls[k + 1][2] if k + 1 < n else cls_edge[2]]
        groups.extend(map(flag, flags))
        features.append(groups)
    return features


def _dropped(drop, own, pw, nw, shp, ps, ns) -> list[tuple[int, ...]]:
    groups = []
    if "lexical" not in drop:
        groups += [own[0], pw[1], nw[2]]
    if "shape" not in drop:
        groups += [shp[0], ps[1], ns[2]]
    return groups


_FAMILY = {"w": "lexical", "p": "lexical", "n": "lexical", "s": "shape", "ps": "shape",
           "ns": "shape", "dl": "distance", "dr": "distance", "q": "question", "stop": "lexical",
           "al": "align", "ar": "align", "pb": "align", "qd": "align"}


def _family(key: str) -> str:
    name = key.split("=", 1)[0]
    return "pattern" if name.startswith("tp") else _FAMILY.get(name, name)
