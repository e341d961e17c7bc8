namespace Condense.Tests.Cli;

/// <summary>The ratio rule the CLI harness holds every <c>--json</c> run to (<see cref="JsonRatios"/>), shown to catch each kind of regression.</summary>
public class JsonRatiosTests
{
    [Fact]
    public void A_compressed_over_original_ratio_passes()
    {
        Assert.Empty(JsonRatios.Offences("""{"bytes_before":400,"bytes_after":100,"ratio":0.25,"times_smaller":4,"rows":[{"ratio":0.5}],"latency_ratio":1.7}"""));
    }

    [Fact]
    public void A_before_over_after_ratio_fails()
    {
        var offences = JsonRatios.Offences("""{"layers":[{"ratio":3.99}]}""");
        Assert.Equal("$.layers[0].ratio = 3.99: above 1, so not compressed ÷ original", Assert.Single(offences));
    }

    [Fact]
    public void A_ratio_that_is_not_after_over_before_fails()
    {
        var offences = JsonRatios.Offences("""{"bytes_before":400,"bytes_after":100,"ratio":0.5}""");
        Assert.Equal("$.ratio = 0.5: not bytes_after ÷ bytes_before = 0.25", Assert.Single(offences));
    }

    [Fact]
    public void A_times_smaller_beside_a_ratio_must_be_its_inverse()
    {
        Assert.Single(JsonRatios.Offences("""{"ratio":0.25,"times_smaller":2}"""));
    }

    [Fact]
    public void An_unlisted_ratio_key_fails()
    {
        var offences = JsonRatios.Offences("""{"packed_ratio":12.3,"compression_ratio":0.1}""");
        Assert.Equal(2, offences.Count);
        Assert.StartsWith("$.packed_ratio: a ratio key", offences[0]);
    }
}
