using System.Net;
using System.Net.Sockets;

namespace Condense.Studio.Tests;

/// <summary>What the server must refuse, over plain HTTP.</summary>
[Collection("Studio")]
public sealed class SecurityTests(StudioFixture studio)
{
    [Fact]
    public void Binds_loopback_by_default()
    {
        Assert.Equal("127.0.0.1", new StudioOptions().Host);
        Assert.Equal("127.0.0.1", studio.Url.Host);
    }

    [Fact]
    public async Task Is_not_reachable_on_other_addresses_of_this_machine()
    {
        var others = Dns.GetHostAddresses(Dns.GetHostName())
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        foreach (var address in others)
        {
            using var client = new TcpClient();
            var connect = client.ConnectAsync(address, studio.Url.Port);
            var refused = await Record.ExceptionAsync(async () => await connect.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.NotNull(refused);
        }
    }

    [Theory]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/assets/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/Condense.Studio.dll")]
    [InlineData("/wwwroot/index.html")]
    public async Task Request_paths_never_reach_the_file_system(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(studio.Url, path));
        using var response = await studio.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("root:", body);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_api_paths_answer_json_404()
    {
        using var response = await studio.Http.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Front_end_is_served_from_the_assembly()
    {
        using var response = await studio.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<div id=\"app\">", html);
        Assert.DoesNotContain("https://", html); // nothing from a CDN
    }
}
