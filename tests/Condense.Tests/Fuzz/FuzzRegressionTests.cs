using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Imaging;
using Condense.Fuzz;
using Condense.Pruning;

namespace Condense.Tests.Fuzz;

/// <summary>
/// Every input a fuzzer ever crashed a reader with (tests/Condense.Tests/Fuzz/Regressions/TARGET/)
/// and every committed seed (tests/Fuzz/seeds/TARGET/): the reader either accepts it or throws
/// <see cref="CondenseException"/>, never anything else, as tests/Fuzz's targets require.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var root in new[] { "tests/Condense.Tests/Fuzz/Regressions", "tests/Fuzz/seeds" })
        {
            var full = Path.Combine(TestPaths.RepoRoot, root);
            if (!Directory.Exists(full)) continue;
            foreach (var targetDir in Directory.GetDirectories(full).Order())
                foreach (var file in Directory.GetFiles(targetDir).Order())
                    data.Add(Path.GetFileName(targetDir), Path.GetRelativePath(TestPaths.RepoRoot, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Reader_accepts_or_throws_condense_exception(string target, string input)
    {
        // RunOne lets only CondenseException through as a refusal; anything else (or an allocation
        // beyond the target's budget) throws and fails the test, exactly as it crashes afl-fuzz.
        FuzzTargets.RunOne(FuzzTargets.Get(target), File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, input)));
    }

    [Theory]
    [InlineData("invalid-utf8-in-tensor-name.safetensors")]
    [InlineData("invalid-utf8-in-metadata.safetensors")]
    [InlineData("invalid-utf8-in-entry-field.safetensors")]
    public void Safetensors_header_with_invalid_utf8_is_an_invalid_file(string name)
    {
        // Found by AFL++ in its first second: System.Text.Json validates UTF-8 only when a string
        // is read, and threw InvalidOperationException out of SafetensorsReader.Open.
        var path = Path.Combine(TestPaths.RepoRoot, "tests/Condense.Tests/Fuzz/Regressions/safetensors", name);
        var ex = Assert.Throws<InvalidFileException>(() => SafetensorsReader.Open(path));
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void Sparse_file_metadata_with_invalid_utf8_is_an_invalid_file()
    {
        // Found by AFL++ (pruning's sparse file): InvalidOperationException escaped SparseModelFile.Decode.
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests/Condense.Tests/Fuzz/Regressions/sparse/invalid-utf8-in-metadata.sparse"));
        var ex = Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode(bytes, "fuzzed.sparse"));
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void Sparse_csr_row_pointer_past_the_nonzeros_is_an_invalid_file()
    {
        // Found by AFL++ in CI's 30-second smoke run: a middle row pointer beyond nnz (0, 100, 1, 2)
        // passed the first/last check and indexed past the column array (IndexOutOfRangeException).
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests/Condense.Tests/Fuzz/Regressions/sparse/csr-row-pointer-past-nnz.sparse"));
        var ex = Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode(bytes, "fuzzed.sparse"));
        Assert.Contains("row pointers decrease or exceed 2 at row 0", ex.Message);
    }

    [Theory]
    [InlineData("invalid-utf8-in-tensor-name.index.json")]
    [InlineData("invalid-utf8-in-metadata.index.json")]
    [InlineData("invalid-utf8-in-shard-name.index.json")]
    [InlineData("lone-surrogate-escape.index.json")]
    public void Shard_index_with_invalid_utf8_is_an_invalid_file(string name)
    {
        // The safetensors header's lesson again, in the sharded index: found by the "shards" target's
        // first replay, before any fuzzing (InvalidOperationException escaped ShardIndex.Parse).
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests/Condense.Tests/Fuzz/Regressions/shards", name));
        var ex = Assert.Throws<InvalidFileException>(() => ShardIndex.Parse(bytes, ShardIndex.FileName));
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void Every_target_has_seeds()
    {
        var targets = Inputs().Select(row => (string)row[0]).Distinct().Order().ToArray();
        Assert.Equal(FuzzTargets.Names.Order(), targets);
    }
}
