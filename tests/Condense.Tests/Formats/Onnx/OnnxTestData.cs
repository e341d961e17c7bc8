using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>The models of Debian's libonnx-testdata that the acceptance tests run.</summary>
public static class OnnxTestData
{
    public const string Root = "/usr/share/libonnx-testdata/data";
    public const string Missing = "libonnx-testdata is not installed (apt-get install libonnx-testdata)";

    public static bool Installed => Directory.Exists(Path.Combine(Root, "pytorch-converted"));

    /// <summary>Folder names like "pytorch-converted/test_Linear".</summary>
    public static IEnumerable<object[]> Models()
    {
        if (!Installed) return [["(none)"]];
        return new[] { "pytorch-converted", "pytorch-operator" }
            .SelectMany(group => Directory.GetDirectories(Path.Combine(Root, group))
                .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .Select(d => $"{group}/{Path.GetFileName(d)}"))
            .Order(StringComparer.Ordinal)
            .Select(m => new object[] { m });
    }

    public static string ModelPath(string model) => Path.Combine(Root, model, "model.onnx");

    public static IReadOnlyList<TensorProto> Tensors(string model, string prefix)
    {
        var dir = Path.Combine(Root, model, "test_data_set_0");
        return Directory.GetFiles(dir, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..]))
            .Select(f => TensorProto.Parser.ParseFrom(File.ReadAllBytes(f)))
            .ToList();
    }

    /// <summary>Largest |actual − expected| / max|expected| over all outputs (the verifier's relative measure).</summary>
    public static double WorstRelative(IReadOnlyList<TensorProto> actual, IReadOnlyList<TensorProto> expected)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Dims, actual[i].Dims);
            var e = OnnxTensorData.ToFloat32(expected[i]);
            var a = OnnxTensorData.ToFloat32(actual[i]);
            // NaN where the expected output has NaN (sqrt of a negative input) counts as equal.
            double scale = e.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
            double diff = 0;
            for (int j = 0; j < e.Length; j++)
            {
                if (a[j] == e[j] || (float.IsNaN(e[j]) && float.IsNaN(a[j]))) continue;
                diff = Math.Max(diff, float.IsNaN(a[j]) || float.IsNaN(e[j]) ? double.PositiveInfinity : Math.Abs((double)a[j] - e[j]));
            }
            worst = Math.Max(worst, scale > 0 ? diff / scale : diff);
        }
        return worst;
    }

    /// <summary>numpy.allclose-style check as ONNX's backend tests do it (rtol 1e-3, atol 1e-5).</summary>
    public static void AssertClose(IReadOnlyList<TensorProto> actual, IReadOnlyList<TensorProto> expected, double rtol = 1e-3, double atol = 1e-5)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Dims, actual[i].Dims);
            var e = OnnxTensorData.ToFloat32(expected[i]);
            var a = OnnxTensorData.ToFloat32(actual[i]);
            for (int j = 0; j < e.Length; j++)
            {
                if (a[j] == e[j] || (float.IsNaN(e[j]) && float.IsNaN(a[j]))) continue;
                if (float.IsNaN(e[j]) != float.IsNaN(a[j]) || Math.Abs((double)a[j] - e[j]) > atol + rtol * Math.Abs((double)e[j]))
                    Assert.Fail($"output {i} element {j}: got {a[j]}, expected {e[j]}");
            }
        }
    }
}

/// <summary>A theory that is skipped, saying why, when libonnx-testdata is absent.</summary>
public sealed class OnnxTestDataTheoryAttribute : TheoryAttribute
{
    public OnnxTestDataTheoryAttribute()
    {
        if (!OnnxTestData.Installed) Skip = OnnxTestData.Missing;
    }
}
