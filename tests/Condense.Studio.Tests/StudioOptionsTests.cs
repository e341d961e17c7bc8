namespace Condense.Studio.Tests;

/// <summary>Studio options are checked when they are built (initialiser or <c>with</c>), each bad value refused with its message (no server needed).</summary>
public sealed class StudioOptionsTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_outside_0_to_65535_cannot_be_set(int port) =>
        Assert.Equal($"studio port must be 0–65535, got {port}", Assert.Throws<CondenseException>(() => new StudioOptions { Port = port }).Message);

    [Theory]
    [InlineData(1023L)]
    [InlineData(2L * 1024 * 1024 * 1024 + 1)]
    public void An_upload_limit_outside_1_KiB_to_2_GiB_cannot_be_set(long bytes) =>
        Assert.Equal($"studio upload limit must be 1 KiB–2 GiB (1024–2147483648 bytes), got {bytes}",
            Assert.Throws<CondenseException>(() => new StudioOptions { MaxUploadBytes = bytes }).Message);

    [Theory]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData("300.1.1.1")]
    public void A_host_that_is_not_an_IP_address_cannot_be_set(string host) =>
        Assert.Equal($"studio host must be an IP address, got '{host}'", Assert.Throws<CondenseException>(() => new StudioOptions { Host = host }).Message);

    [Fact]
    public void With_checks_too_and_leaves_the_original_alone()
    {
        var valid = new StudioOptions { Port = 0, Host = "::1", MaxUploadBytes = 1024 };
        Assert.Throws<CondenseException>(() => valid with { Port = 70000 });
        Assert.Equal((0, "::1", 1024L), (valid.Port, valid.Host, valid.MaxUploadBytes));
        var edges = valid with { Port = 65535, MaxUploadBytes = 2L * 1024 * 1024 * 1024 };
        Assert.Equal((65535, 2L * 1024 * 1024 * 1024), (edges.Port, edges.MaxUploadBytes));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        var defaults = new StudioOptions();
        Assert.Equal((5000, "127.0.0.1", 256L * 1024 * 1024), (defaults.Port, defaults.Host, defaults.MaxUploadBytes));
    }
}
