"""The sample catalogue's notes said CONFIRMED / UNCONFIRMED in English: in Vietnamese on every page."""

from django.db import migrations

WORDS = (("UNCONFIRMED", "chưa xác minh"), ("CONFIRMED", "đã xác minh"))


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Policy = apps.get_model("policies", "Policy")
    for policy in Policy.objects.filter(is_sample=True):
        changed = []
        for field in ("source_note", "benefit"):
            text = getattr(policy, field) or ""
            new = text
            for english, vietnamese in WORDS:
                new = new.replace(english, vietnamese)
            if new != text:
                setattr(policy, field, new)
                changed.append(field)
        if changed:
            policy.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_policy_version")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
