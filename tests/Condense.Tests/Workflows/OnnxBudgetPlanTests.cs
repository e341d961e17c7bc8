using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Xunit;

namespace Condense.Tests.Workflows;

/// <summary>
/// The planner on a cached analysis (what the Studio's budget slider calls): every budget from the
/// smallest file up is met by the serialised model, the model's error is measured by running it,
/// and a budget below the smallest file is refused.
/// </summary>
public sealed class OnnxBudgetPlanTests
{
    [Fact]
    public void Budgets_are_met_by_the_built_model_and_its_error_is_the_models_own()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.onnx");
        OnnxWriter.Write(path, TinyOnnxModels.ConvNet(3));
        var model = OnnxReader.Read(path);
        var data = CalibrationDataLoader.Load(model, new DataSpec(null, Count: 8, HeldOutFraction: 0.5, Seed: 2));
        var (analysis, candidates) = OnnxAnalysis.Analyze(new OnnxAnalysisRequest(path, data,
            [QuantizationSetting.Parse("g4-rtn"), QuantizationSetting.Parse("k2-rtn")], SensitivitySamples: 4, MinSize: 200));
        using (candidates)
        {
            Assert.Equal(4, analysis.Layers.Count);
            var (smallest, original) = OnnxBudgetPlan.Range(analysis, candidates);
            Assert.InRange(smallest, 1, original - 1);

            var tight = OnnxBudgetPlan.WithinBytes(analysis, candidates, smallest);
            Assert.InRange(tight.Bytes, 1, smallest);
            Assert.Equal(tight.Bytes, Google.Protobuf.MessageExtensions.ToByteArray(tight.Model).Length);
            Assert.True(tight.Measured.RandomInputs);
            Assert.Contains("random inputs", tight.Measured.Note);
            // The figure is the built model's own: an independent run of it beside the original gives the same.
            var again = OutputComparison.Measure(model.Proto, tight.Model, path, data with { Calibration = [] }, samples: 4);
            Assert.Equal(again.Error, tight.Measured.Error, again.Error * 1e-5); // two sessions: float32 rounding apart
            Assert.True(tight.Measured.Error > 0);

            // The original's size affords every layer in float32: nothing is lost.
            var loose = OnnxBudgetPlan.WithinBytes(analysis, candidates, original + 1000);
            Assert.All(loose.Layers, l => Assert.Equal("fp32", l.Setting));
            Assert.Equal(0, loose.Measured.Error, 6);
            Assert.True(loose.Bytes <= original + 1000);

            var refused = Assert.Throws<CondenseException>(() => OnnxBudgetPlan.WithinBytes(analysis, candidates, smallest - 1));
            Assert.Contains("cannot be met", refused.Message);
        }
    }

    [Fact]
    public void A_low_cosine_carries_a_warning_and_random_inputs_say_so()
    {
        var same = OutputComparison.Compare([[1f, 2f], [3f, -1f]], [[1f, 2f], [3f, -1f]], null, randomInputs: false, "held-out digits");
        Assert.Equal(0, same.Error);
        Assert.Equal(1, same.Cosine, 12);
        Assert.Null(same.Warning);
        Assert.Contains("held out", same.Note);

        // Orthogonal outputs: cosine 0, relative error √2 (‖y − ŷ‖ = √2 ‖y‖).
        var lost = OutputComparison.Compare([[1f, 0f]], [[0f, 1f]], [0], randomInputs: true, "random");
        Assert.Equal(Math.Sqrt(2), lost.Error, 12);
        Assert.Equal(0, lost.Cosine, 12);
        Assert.Equal(1.0, lost.OriginalAccuracy);
        Assert.Equal(0.0, lost.Accuracy);
        Assert.NotNull(lost.Warning);
        Assert.Contains("cosine 0.00", lost.Warning);
        Assert.Contains("random inputs", lost.Line);
        Assert.Contains("warning", lost.Line);

        // A log of zero on both sides (or on one) leaves the figures finite: such elements are left out.
        var infinite = OutputComparison.Compare([[float.NegativeInfinity, 2f, 1f]], [[float.NegativeInfinity, 2f, float.PositiveInfinity]], null, true, "random");
        Assert.Equal(0, infinite.Error);
        Assert.Equal(1, infinite.Cosine, 12);
    }
}

/// <summary>The file page 7 and <c>compress</c> hand back for ResNet18 at 4-bit k-means carries a warning.</summary>
public sealed class ResNet18WarningTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18_at_4_bit_kmeans_is_measured_and_warned_about()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var original = model.Proto.Clone();
        var compressed = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, 4)).Model;
        var data = CalibrationDataLoader.Load(OnnxReader.Read(PackagedModels.ResNet18), new DataSpec(null, Count: 4));
        var measured = OutputComparison.Measure(original, compressed, PackagedModels.ResNet18, data, samples: 4);
        Assert.True(measured.RandomInputs);
        Assert.Equal(4, measured.Samples);
        Assert.InRange(measured.Cosine, 0, MeasuredError.LowCosine);
        Assert.InRange(measured.Error, 0.1, 2);
        Assert.NotNull(measured.Warning);
    }
}
