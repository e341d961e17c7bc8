using System.Reflection;
using Condense.Pruning;

namespace Condense.Tests.Architecture;

/// <summary>
/// Options are validated when they are built (init accessors that throw), not by a
/// <c>Validate()</c> callers must remember. The library's remaining <c>Validate()</c> methods are
/// listed in <see cref="NotYetConverted"/>, which may only shrink: a new one fails
/// <see cref="No_new_type_has_a_Validate_method"/>, and a listed type that no longer has one fails
/// <see cref="The_list_names_only_types_that_still_have_one"/> so the list is kept exact.
/// </summary>
public sealed class OptionsValidationTests
{
    /// <summary>Types still validated by a separate call (issue 22, part 3, not finished): convert one, delete its line.</summary>
    static readonly IReadOnlySet<string> NotYetConverted = new HashSet<string>(StringComparer.Ordinal)
    {
        "Condense.Workflows.Cnn.CnnStudyRequest", "Condense.Workflows.Sparsity.OnnxSparsityRequest", "Condense.Workflows.OnnxAnalysisRequest",
        "Condense.Workflows.RuntimeCompressionRequest", "Condense.Workflows.OnnxPlanRequest", "Condense.Workflows.DataAwareCompressionRequest",
        "Condense.Models.TrainingOptions", "Condense.Calibration.ImagePreprocessing", "Condense.Calibration.DataSpec",
        "Condense.Quantization.Gptq.GptqOptions", "Condense.Quantization.Gptq.ConvGeometry", "Condense.Quantization.BlockCodes",
        "Condense.Formats.Onnx.OnnxCompressionOptions", "Condense.Formats.Onnx.OnnxReadOptions", "Condense.Imaging.ImageDecodeOptions",
        "Condense.Imaging.ColorQuantizerOptions", "Condense.DeepCompression.DeepCompressionOptions", "Condense.Distillation.DistillationOptions",
        "Condense.Distillation.DataFreeOptions", "Condense.Pruning.ModelPruningOptions", "Condense.Pruning.VariationalDropoutOptions",
        "Condense.Pruning.PruningStudyOptions", "Condense.Pruning.GradualPruningSchedule", "Condense.Pruning.LotteryOptions",
        "Condense.Pruning.SurveyStudyOptions", "Condense.Hashing.HashingOptions",
    };

    static IEnumerable<string> TypesWithValidate() =>
        typeof(CondenseException).Assembly.GetTypes()
            .Where(t => t.GetMethod("Validate", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly, Type.EmptyTypes) is not null)
            .Select(t => t.FullName!);

    [Fact]
    public void No_new_type_has_a_Validate_method()
    {
        var added = TypesWithValidate().Where(t => !NotYetConverted.Contains(t)).ToList();
        Assert.True(added.Count == 0, "validate options when they are built, not in Validate(): " + string.Join(", ", added));
    }

    [Fact]
    public void The_list_names_only_types_that_still_have_one()
    {
        var have = TypesWithValidate().ToHashSet();
        var stale = NotYetConverted.Where(t => !have.Contains(t)).ToList();
        Assert.True(stale.Count == 0, "no longer has Validate(); delete from the list: " + string.Join(", ", stale));
    }

    [Fact]
    public void Invalid_sparse_storage_options_cannot_be_built()
    {
        Assert.Equal("relative index width must be 1–8 bits, got 9", Assert.Throws<CondenseException>(() => new SparseStorageOptions { Bits = 9 }).Message);
        Assert.Equal("sparse encoding must be one of Dense, Csr, RelativeIndex, got 7",
            Assert.Throws<CondenseException>(() => new SparseStorageOptions { Encoding = (SparseEncoding)7 }).Message);
        var valid = new SparseStorageOptions { Bits = 4 };
        Assert.Throws<CondenseException>(() => valid with { Bits = 0 });
        Assert.Equal(4, valid.Bits);
    }
}
