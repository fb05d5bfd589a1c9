"""The sample catalogue's demand-driven and event-bound policies wait for a request or an event on record
(loans, water and sanitation loans: a request; housing support after a disaster or fire: the event), and
its place-limited ones use the rule's place conditions (rural water, labour export from poor or especially
difficult communes). Only the sample entries the province has not switched off from the sample; the year's
coverage is then recounted in the background (when there is any)."""

from django.db import migrations

LIMITS = {
    "N5": {"needs_event": "house_damaged"},
    "C1": {"needs_request": True},
    "C2": {"needs_request": True},
    "C3": {"needs_request": True},
    "J1": {"needs_request": True},
    "W1": {"needs_request": True, "places": ["rural"]},
    "X3": {"places": ["difficult_commune", "poor_commune"]},
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Policy = apps.get_model("policies", "Policy")
    Entitlement = apps.get_model("policies", "Entitlement")
    changed = 0
    for policy in Policy.objects.filter(is_sample=True, code__in=list(LIMITS)):
        rule = {**policy.rule, **LIMITS[policy.code]}
        if rule != policy.rule:
            policy.rule = rule
            policy.version += 1
            policy.save(update_fields=["rule", "version"])
            changed += 1
    if changed and Entitlement.objects.exists():
        from giamngheo.policies.tasks import coverage_rebuild_later

        coverage_rebuild_later()


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Policy = apps.get_model("policies", "Policy")
    for policy in Policy.objects.filter(is_sample=True, code__in=list(LIMITS)):
        rule = {k: v for k, v in policy.rule.items() if k not in LIMITS[policy.code]}
        if rule != policy.rule:
            policy.rule = rule
            policy.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [("policies", "0006_support_requests"), ("jobs", "0005_kind_from_registry")]

    operations = [migrations.RunPython(forwards, backwards)]
