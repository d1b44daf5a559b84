"""Reading a chart back: data values of page positions, worked out from its tick labels alone."""

from sim.charts.canvas import Text


def _number(text: str):
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def to_data(canvas):
    """A function from a page point to (x, y) in data units. The x tick labels are centred
    on their ticks; a y tick label's baseline sits 0.35 of its size below its tick."""
    texts = [t for t in canvas.items if isinstance(t, Text) and _number(t.text) is not None]
    xs = sorted((_number(t.text), t.x) for t in texts if t.anchor == "middle")
    ys = sorted((_number(t.text), t.y - 0.35 * t.size) for t in texts if t.anchor == "end")
    (xa, pa), (xb, pb) = xs[0], xs[-1]
    (ya, qa), (yb, qb) = ys[0], ys[-1]

    def convert(point):
        px, py = point
        return xa + (px - pa) * (xb - xa) / (pb - pa), ya + (py - qa) * (yb - ya) / (qb - qa)

    return convert


def flat(pairs):
    return [float(v) for pair in pairs for v in pair]
