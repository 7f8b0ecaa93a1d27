"""Choices only: a task kind's label (表格任务, as the exports write it) and the jurisdiction levels of the
resolver (区 is a district, no longer a county). Jurisdictions stored as counties whose names end in 区 become
districts, as an import of them would now make them."""

from django.db import migrations, models


def districts(apps, schema_editor):
    Jurisdiction = apps.get_model("ledger", "Jurisdiction")
    Jurisdiction.objects.filter(level="county", name__endswith="区").update(level="district")


def counties(apps, schema_editor):
    Jurisdiction = apps.get_model("ledger", "Jurisdiction")
    Jurisdiction.objects.filter(level="district").update(level="county")


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0008_task_search_short_keywords'),
    ]

    operations = [
        migrations.AlterField(
            model_name='jurisdiction',
            name='level',
            field=models.CharField(choices=[('province', '省'), ('city', '市'), ('district', '区'), ('county', '县'), ('town', '镇（街道）'), ('other', '其他')], default='other', max_length=20, verbose_name='层级'),
        ),
        migrations.AlterField(
            model_name='task',
            name='kind',
            field=models.CharField(choices=[('problem', '问题'), ('measure', '措施'), ('subtask', '子任务'), ('table_row', '表格任务'), ('project', '项目')], default='measure', max_length=20, verbose_name='类型'),
        ),
        migrations.RunPython(districts, counties),
    ]
