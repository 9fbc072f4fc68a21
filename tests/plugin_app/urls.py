from django.urls import path

from tests.plugin_app import views

public = [path("", views.sample, name="sample")]
staff = []
api = []
staff_api = []
