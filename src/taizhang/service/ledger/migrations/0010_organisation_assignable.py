"""Organisation.assignable: collective names (各镇、相关部门…, kind "generic") are not a user's own unit.
Existing generic organisations become not assignable; users already bound to one keep it until the office
changes it."""

import django.db.models.deletion
from django.db import migrations, models


def collectives_not_assignable(apps, schema_editor):
    Organisation = apps.get_model("ledger", "Organisation")
    Organisation.objects.filter(kind="generic").update(assignable=False)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0009_vocabulary_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="assignable",
            field=models.BooleanField(default=True,
                                      help_text="集合称谓（各镇、相关部门等）不是具体单位，不能作为用户的所属单位",
                                      verbose_name="可作为用户所属单位"),
        ),
        migrations.AlterField(
            model_name="userprofile",
            name="organisation",
            field=models.ForeignKey(blank=True, limit_choices_to={"assignable": True}, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="users",
                                    to="ledger.organisation", verbose_name="所属单位"),
        ),
        migrations.RunPython(collectives_not_assignable, migrations.RunPython.noop),
    ]
