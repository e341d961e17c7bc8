using System.Net;

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
    public void Listens_on_loopback_only()
    {
        // The kernel's socket table says where the server listens, with no traffic sent anywhere:
        // every listening socket on the Studio's port must be bound to 127.0.0.1 or ::1.
        var port = studio.Url.Port.ToString("X4");
        var listening = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "0A") continue; // 0A = LISTEN
                var local = fields[1].Split(':');
                if (local[1] == port) listening.Add(local[0]);
            }
        }
        Assert.NotEmpty(listening);
        // 127.0.0.1 is 0100007F (little-endian); ::1 is 00000000000000000000000001000000.
        Assert.All(listening, a => Assert.Contains(a, new[] { "0100007F", "00000000000000000000000001000000" }));
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
