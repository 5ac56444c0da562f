"""A scan-to-login challenge is bound to the waiting browser's own key (a cookie of its own),
not to its session: the panel's answers no longer touch the session cookie."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("elicense", "0016_feed_sequence_from_portal_counter")]

    operations = [
        migrations.RenameField("loginchallenge", "session_key", "browser_key"),
        migrations.AlterField(
            model_name="loginchallenge",
            name="browser_key",
            field=models.CharField(max_length=64, verbose_name="等待登录的浏览器标识"),
        ),
    ]
