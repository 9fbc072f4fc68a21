"""Read a policy document in the law library's text format; print what was read; save it with --apply."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from policy.importer import parse_policy_text
from policy.services.imports import import_match, import_text_from_bytes, policy_import
from portal.selectors import area_by_code, user_by_username

CITY = "420100000000"
BODY_PREVIEW_LINES = 8


class Command(BaseCommand):
    help = ("Import a policy document in the law library's text format (metadata lines such as 【发布文号】, the "
            "title, the text). Without --apply it only prints what was read and what looks inconsistent.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The text file (UTF-8 or GB18030).")
        parser.add_argument("--apply", action="store_true", help="Save it (a new draft, or a new version).")
        parser.add_argument("--area", default=CITY,
                            help=f"Division code where a new document applies (default {CITY}, the city).")
        parser.add_argument("--user", help="Username recorded as the importer (default: the system).")

    def handle(self, *args, file, apply, area, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = import_text_from_bytes(path.read_bytes())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        parsed = parse_policy_text(text)
        self._print_preview(parsed)
        if parsed.errors:
            raise CommandError("The file is not in the format; nothing was saved.")
        existing = import_match(parsed)
        if not apply:
            if existing is not None:
                self.stdout.write(f"Would update document #{existing.pk} ({existing.title}).")
            self.stdout.write("Nothing saved; run again with --apply to save.")
            return
        place = area_by_code(code=area)
        if place is None:
            raise CommandError(f"Unknown division code {area}; load the division tree first (load_areas).")
        actor = None
        if user:
            actor = user_by_username(username=user)
            if actor is None:
                raise CommandError(f"No account has the username {user}.")
        try:
            result = policy_import(actor=actor, text=text, area=place, file_name=path.name)
        except ValidationError as exc:
            raise CommandError("Not saved: " + " ".join(exc.messages)) from exc
        document = result.document
        if result.outcome == "created":
            self.stdout.write(self.style.SUCCESS(f"Created document #{document.pk} as a draft (version 1)."))
        elif result.outcome == "updated":
            self.stdout.write(self.style.SUCCESS(
                f"Updated document #{document.pk}: version {result.version.number}."))
        else:
            self.stdout.write(f"Document #{document.pk} is already here, unchanged.")

    def _print_preview(self, parsed) -> None:
        write = self.stdout.write
        labels = [("Title", parsed.title), ("Issuing body (发布单位)", parsed.issuer),
                  ("Document number (发布文号)", parsed.document_number or "—"),
                  ("Publish date (发布日期)", parsed.publish_date), ("Effective date (生效日期)", parsed.effective_date),
                  ("Expiry date (失效日期)", parsed.expiry_date or "none"), ("Source (文件来源)", parsed.source or "—"),
                  ("Category (所属类别)", parsed.category or "—")]
        for label, value in labels:
            write(f"{label}: {value if value is not None else '—'}")
        lines = parsed.body.split("\n") if parsed.body else []
        write(f"Text: {len(lines)} lines, {len(parsed.body)} characters")
        for line in lines[:BODY_PREVIEW_LINES]:
            write(f"  | {line}")
        if len(lines) > BODY_PREVIEW_LINES:
            write("  | …")
        write(f"Dropped: {len(parsed.navigation)} navigation lines, {len(parsed.footer)} footer lines")
        for issue in parsed.warnings:
            write(self.style.WARNING(f"Inconsistent: {issue.message}"))
        for issue in parsed.errors:
            write(self.style.ERROR(f"Missing or wrong: {issue.message}"))
