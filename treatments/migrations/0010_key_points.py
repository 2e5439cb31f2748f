"""Key points (L'essentiel in French) on every treatment, side effect and disease page:
a translated Markdown list and its rendered HTML, kept in History (not the HTML)."""

from django.db import migrations, models

import treatments.limits


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0009_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="disease",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="disease",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="disease",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="disease",
            name="key_points_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="disease",
            name="key_points_html_en",
            field=models.TextField(default="", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disease",
            name="key_points_html_fr",
            field=models.TextField(default="", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaldisease",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaldisease",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="historicaldisease",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="historicalsideeffect",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalsideeffect",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="historicalsideeffect",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="historicaltherapy",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaltherapy",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="historicaltherapy",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points_html_en",
            field=models.TextField(default="", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sideeffect",
            name="key_points_html_fr",
            field=models.TextField(default="", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points",
            field=models.TextField(
                default="",
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points_en",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points_fr",
            field=models.TextField(
                help_text="Markdown list of 3 to 5 short sentences shown first on the page: what it is, what will happen, the one or two signs that mean calling now.",
                null=True,
                validators=[treatments.limits.validate_key_points],
                verbose_name="key points",
            ),
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points_html_en",
            field=models.TextField(default="", editable=False, null=True),
        ),
        migrations.AddField(
            model_name="therapy",
            name="key_points_html_fr",
            field=models.TextField(default="", editable=False, null=True),
        ),
    ]
