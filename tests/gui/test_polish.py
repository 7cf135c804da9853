"""Small things a clinic user saw: spin boxes without arrows, hint text too light to read,
"Starting the engine…" in error red, a lock-out countdown that never moved, a recovery
page saying "Print it" with nothing to print, and a status bar saying "no model loaded"
while a model wrote. Rendered offscreen with the app's own theme."""

from __future__ import annotations

from pathlib import Path

import fitz
import pytest

from desktop import theme
from desktop.engine_link import EngineLink
from desktop.first_run import FirstRunWizard
from desktop.login import LoginPanel
from desktop.qt import QtGui, QtPrintSupport, QtWidgets
from desktop.views.status import EngineStatusBar, models_text
from engine import protocol as p

ERROR_RED = QtGui.QColor("#c0392b")


@pytest.fixture
def themed(qapp):
    """The app's theme as desktop/app.py applies it; the test app's look is put back."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme.apply(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


def _luminance(colour: QtGui.QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QtGui.QColor, b: QtGui.QColor) -> float:
    """WCAG 2 contrast ratio."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast(QtGui.QColor("#000000"), QtGui.QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QtGui.QColor("#777777"), QtGui.QColor("#ffffff")) == \
        pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize("dark", [False, True])
def test_hint_text_meets_wcag_aa_on_window_and_fields(qapp, dark):
    palette = theme.scheme_palette(QtWidgets.QStyleFactory.create("Fusion"), dark)
    roles = QtGui.QPalette.ColorRole
    hint = palette.color(roles.PlaceholderText)
    assert hint == QtGui.QColor(theme.HINT[dark])
    for background in (roles.Window, roles.Base, roles.AlternateBase):
        assert contrast(hint, palette.color(background)) >= 4.5, background


def _hint() -> QtGui.QColor:
    return QtGui.QColor(theme.HINT[theme.is_dark(QtWidgets.QApplication.instance())])


def _shown_colour(widget: QtWidgets.QWidget) -> QtGui.QColor:
    widget.ensurePolished()
    return widget.palette().color(QtGui.QPalette.ColorRole.WindowText)


def test_subtitles_are_drawn_in_the_hint_colour(themed, qtbot):
    label = QtWidgets.QLabel("A hint")
    label.setProperty("role", "subtitle")
    qtbot.addWidget(label)
    label.show()
    assert _shown_colour(label) == _hint()


def test_summary_notes_are_drawn_in_the_hint_colour(themed, qtbot, tmp_path):
    from desktop.views.summary import SummaryView

    view = SummaryView(EngineLink(tmp_path / "data"))
    qtbot.addWidget(view)
    view.show_summary(p.StoredSummary(
        "S-1", None, ("d",), "extractive", "",
        p.SummaryContent("extractive", footer="Built from the facts."), ""))
    for note in ("None recorded.", "Built from the facts."):
        found = view.result.document().find(note)
        assert not found.isNull(), note
        assert found.charFormat().foreground().color() == _hint(), note


@pytest.mark.parametrize("kind", [QtWidgets.QSpinBox, QtWidgets.QDateEdit])
def test_number_fields_show_their_arrows(themed, qtbot, kind):
    field = kind()
    qtbot.addWidget(field)
    field.resize(140, 30)
    field.show()
    image = field.grab().toImage()
    option = QtWidgets.QStyleOptionSpinBox()
    field.initStyleOption(option)
    for part in (QtWidgets.QStyle.SubControl.SC_SpinBoxUp,
                 QtWidgets.QStyle.SubControl.SC_SpinBoxDown):
        rect = field.style().subControlRect(QtWidgets.QStyle.ComplexControl.CC_SpinBox,
                                            option, part, field).adjusted(3, 3, -3, -3)
        inside = {image.pixelColor(x, y).name() for x in range(rect.left(), rect.right() + 1)
                  for y in range(rect.top(), rect.bottom() + 1)}
        assert len(inside) >= 4, (part, inside)  # an anti-aliased arrow, not a blank button


@pytest.fixture
def panel(themed, qtbot, tmp_path) -> LoginPanel:
    """The panel on a link that is never started: no engine is needed for what it shows."""
    widget = LoginPanel(EngineLink(tmp_path / "data"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_starting_the_engine_is_news_not_an_error(panel):
    panel.say("That user name and password did not match. Please try again.")
    assert _shown_colour(panel.message) == ERROR_RED
    panel.set_engine_ready(False)  # the engine restarts
    assert panel.message.text() == "Starting the engine…"
    assert _shown_colour(panel.message) == _hint()


def test_first_run_says_starting_in_a_neutral_colour(themed, qtbot, tmp_path):
    wizard = FirstRunWizard(tmp_path / "data", lambda data_dir: EngineLink(data_dir))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.admin.name.setText("chief")
    wizard.admin.password.setText("short")
    wizard.admin.confirm.setText("short")
    wizard.next()  # refused: the error is red
    assert _shown_colour(wizard.admin.message) == ERROR_RED
    wizard.admin.password.setText("a long enough one")
    wizard.admin.confirm.setText("a long enough one")
    wizard.next()  # the (never started) engine is starting
    assert wizard.admin.message.text().startswith("Starting the engine")
    assert _shown_colour(wizard.admin.message) == _hint()


def test_the_lock_out_wait_counts_down(panel, qtbot):
    panel._refused(p.ErrorInfo("AUTH_FAILED", "throttled", {"retry_after_s": 2.5}))
    assert panel.message.text() == "Too many attempts. Try again in 3 seconds."
    assert not panel.button.isEnabled()
    qtbot.waitUntil(lambda: panel.message.text() == "Too many attempts. Try again in 2 seconds.",
                    timeout=30_000)
    qtbot.waitUntil(lambda: panel.message.text() == "Too many attempts. Try again in 1 second.",
                    timeout=30_000)
    qtbot.waitUntil(lambda: panel.message.text() == "", timeout=30_000)
    assert not panel._wait.isActive()


def test_the_recovery_key_prints(qtbot, tmp_path: Path):
    wizard = FirstRunWizard(tmp_path / "data", lambda data_dir: EngineLink(data_dir))
    qtbot.addWidget(wizard)
    page = wizard.recovery
    assert "Print it" in page.subTitle() and page.print_button.isEnabled()
    page.key.setText("ABCD-EFGH-0O0O-1lI1")
    printer = QtPrintSupport.QPrinter()
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "key.pdf"))
    page.print_key(printer)
    with fitz.open(tmp_path / "key.pdf") as pdf:
        assert pdf.page_count == 1
        text = "".join(sheet.get_text() for sheet in pdf)
    assert "ABCD-EFGH-0O0O-1lI1" in text and "HNTAI recovery key" in text


def _loaded(name: str, leases: int) -> p.ModelStatus:
    return p.ModelStatus(name, "summary", "gguf", "cpu", 2 ** 20, leases, 0.0, 1.0)


@pytest.mark.parametrize(("loaded", "generating", "text"), [
    ((), "", "no model loaded"),
    ((), "m", "m (writing a summary)"),  # before the next poll lists it
    ((_loaded("m", leases=1),), "m", "m (cpu, writing a summary)"),
    ((_loaded("m", leases=1),), "", "m (cpu, in use)"),
    ((_loaded("w", leases=0),), "m", "m (writing a summary), w (cpu)"),
])
def test_the_status_bar_names_the_writing_model(loaded, generating, text):
    assert models_text(loaded, generating) == text


def test_a_status_poll_does_not_hide_the_writing_model(qtbot):
    bar = EngineStatusBar()
    qtbot.addWidget(bar)
    bar.show_generating("m")
    memory = p.MemoryInfo(total_bytes=2 ** 34, available_bytes=2 ** 33, used_percent=50.0,
                          engine_rss_bytes=2 ** 28)
    status = p.EngineStatus("0", 1, 1, True, "admin", "admin", True, {}, memory, {}, (), True)
    bar.show_status(status)  # polled while the model was still loading: nothing loaded
    assert bar.models.text() == "m (writing a summary)"
    bar.show_generating("")
    assert bar.models.text() == "no model loaded"
