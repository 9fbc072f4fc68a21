from django.http import HttpResponse

from portal.scoped_views import scope_exempt


@scope_exempt("A public sample page of the test plug-in app.")
def sample(request):
    return HttpResponse("插件示例页面", content_type="text/plain; charset=utf-8")
