from django.db import models


class PluginEvent(models.TextChoices):
    SAMPLE_RECORDED = "plugin.sample_recorded", "插件示例已记录"
