"""parkloop alerts rules | set | delete | sent: who is told of what monitoring finds."""

from __future__ import annotations

from typing import Annotated

import typer

from parkloop.cli.render import console, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.formats import moment, number
from parkloop.monitoring.alerts import local
from parkloop.monitoring.model import FindingKind
from parkloop.services import alerts as service

app = typer.Typer(
    help="Alerts of monitoring findings: who is told of what, and what was sent.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[str, typer.Option("--park", callback=park_option, help="Park code or name.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="alerts")


@app.command("rules")
def rules(ctx: typer.Context, park: ParkOpt, as_json: JsonOpt = False) -> None:
    """The park's alert rules (its operator and the administrator see them)."""
    st = state(ctx)
    found = service.rules(st.engine(), park, st.viewer())
    if as_json:
        print_json(found)
        return
    lang = st.lang
    all_stations = t("all")
    table(
        t("Alert rules of {park}", park=park),
        [
            t("rule"),
            t("findings"),
            t("stations"),
            t("channel"),
            t("to"),
            t("reminder (min)"),
            t("language"),
            t("active"),
        ],
        [
            [
                r.name,
                ", ".join(k.label(lang) for k in FindingKind if k in r.kinds),
                ", ".join(sorted(r.stations)) or all_stations,
                r.channel.label(lang),
                r.target,
                number(r.reminder_s / 60, lang) if r.reminder_s else "—",
                r.lang,
                t("yes") if r.active else t("no"),
            ]
            for r in found
        ],
        numeric=[5],
    )


@app.command("set")
def set_rule(
    ctx: typer.Context,
    park: ParkOpt,
    name: Annotated[str, typer.Argument(help="The rule's name, e.g. 'trưởng ca'.")],
    kind: Annotated[
        list[str],
        typer.Option(
            "--kind",
            help="Findings to tell of: exceedance, window-exceedance, impossible, flatline, "
            "gap, or all (repeat or separate by commas).",
        ),
    ],
    channel: Annotated[str, typer.Option("--channel", help="log, webhook or email.")] = "log",
    to: Annotated[
        str, typer.Option("--to", help="Webhook URL, or email addresses separated by commas.")
    ] = "",
    station: Annotated[
        list[str] | None,
        typer.Option("--station", help="Only these stations (repeat); none: all of the park."),
    ] = None,
    reminder: Annotated[
        float | None,
        typer.Option("--reminder", help="Minutes between reminders while an episode stays open."),
    ] = None,
    message_lang: Annotated[
        str, typer.Option("--message-lang", help="Language of the messages: vi or en.")
    ] = "vi",
    off: Annotated[bool, typer.Option("--off", help="Keep the rule but send nothing.")] = False,
) -> None:
    """Add an alert rule, or change the rule of that name (the park's operator only)."""
    st = state(ctx)
    rule = service.set_rule(
        st.engine(),
        park,
        st.viewer(),
        name,
        kinds=kind,
        channel=channel,
        target=to,
        stations=station or (),
        reminder_minutes=reminder,
        lang=message_lang,
        active=not off,
    )
    console.print(t("rule '{name}' saved", name=rule.name), highlight=False)


@app.command("delete")
def delete_rule(
    ctx: typer.Context,
    park: ParkOpt,
    name: Annotated[str, typer.Argument(help="The rule's name.")],
) -> None:
    """Delete an alert rule (the park's operator only); what it sent stays nowhere else."""
    st = state(ctx)
    service.delete_rule(st.engine(), park, st.viewer(), name)
    console.print(t("rule '{name}' deleted", name=name))


@app.command("sent")
def sent(
    ctx: typer.Context,
    park: ParkOpt,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The messages tried lately: when, by which rule and channel, and how it went."""
    st = state(ctx)
    found = service.deliveries(st.engine(), park, st.viewer(), limit)
    if as_json:
        print_json(found)
        return
    lang = st.lang
    table(
        t("Alerts sent in {park}", park=park),
        [
            t("at"),
            t("rule"),
            t("message"),
            t("station"),
            t("parameter"),
            t("finding"),
            t("channel"),
            t("outcome"),
        ],
        [
            [
                moment(local(d.sent_at), lang),
                d.rule,
                d.event.label(lang),
                d.station,
                d.parameter or "—",
                d.kind.label(lang),
                d.channel.label(lang),
                (t("sent") if d.outcome == "sent" else t("failed"))
                + (f" ({d.detail})" if d.outcome != "sent" else ""),
            ]
            for d in found
        ],
    )
