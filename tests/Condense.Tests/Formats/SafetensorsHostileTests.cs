using System.Buffers.Binary;
using System.Text;
using Condense.Formats;

namespace Condense.Tests.Formats;

/// <summary>Each way a safetensors file can lie is refused with a one-line reason naming the file.</summary>
public class SafetensorsHostileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-st-bad-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Make(string json, int dataBytes, ulong? claimedLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    InvalidFileException Refused(string name, byte[] bytes)
    {
        var path = File(name, bytes);
        var ex = Assert.Throws<InvalidFileException>(() => SafetensorsReader.ReadAll(path));
        Assert.Equal(path, ex.Source);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    const string Good = """{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    [Fact]
    public void TheGoodFileIsAccepted() => Assert.Single(SafetensorsReader.ReadAll(File("good", Make(Good, 8))).Tensors);

    [Fact]
    public void FileShorterThanTheLengthPrefix() => Assert.Contains("too short", Refused("short", [1, 2, 3]).Problem);

    [Fact]
    public void HeaderLengthLargerThanTheFile() =>
        Assert.Contains("exceeds the file", Refused("long", Make(Good, 8, claimedLength: 10_000)).Problem);

    [Fact]
    public void HeaderLengthOverTheLimitIsRefusedBeforeAllocating()
    {
        var bytes = Make(Good, 8, claimedLength: ulong.MaxValue / 2);
        var path = File("absurd", bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidFileException>(() => SafetensorsReader.Open(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains("limit", ex.Problem);
    }

    [Fact]
    public void NonJsonHeader() => Assert.Contains("JSON", Refused("nonjson", Make("{not json at all}", 0)).Problem);

    [Fact]
    public void NonObjectHeader() => Assert.Contains("not a JSON object", Refused("array", Make("[1,2,3]", 0)).Problem);

    [Fact]
    public void UnknownDType() =>
        Assert.Contains("unsupported dtype 'F128'", Refused("dtype", Make("""{"x":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", 16)).Problem);

    [Fact]
    public void NegativeShape() =>
        Assert.Contains("negative", Refused("neg", Make("""{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8)).Problem);

    [Fact]
    public void OverflowingShape() =>
        Assert.Contains("overflows", Refused("ovf", Make("""{"x":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}""", 8)).Problem);

    [Fact]
    public void ShapeTimesDTypeSizeDisagreesWithTheByteLength() =>
        Assert.Contains("needs 12 bytes but data_offsets give 8", Refused("size", Make("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8)).Problem);

    [Fact]
    public void OffsetsOutOfRange() =>
        Assert.Contains("truncated", Refused("range", Make("""{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8)).Problem);

    [Fact]
    public void OverlappingTensors() =>
        Assert.Contains("overlaps", Refused("overlap", Make("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12)).Problem);

    [Fact]
    public void GapBetweenTensors() =>
        Assert.Contains("gap", Refused("gap", Make("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12)).Problem);

    [Fact]
    public void TruncatedData() => Assert.Contains("truncated", Refused("trunc", Make(Good, 5)).Problem);

    [Fact]
    public void BytesAfterTheLastTensor() => Assert.Contains("not described", Refused("extra", Make(Good, 12)).Problem);

    [Fact]
    public void MetadataValueThatIsNotAString() =>
        Assert.Contains("not a string", Refused("meta", Make("""{"__metadata__":{"a":1},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8)).Problem);

    [Fact]
    public void RepeatedTensorName() =>
        Assert.Contains("twice", Refused("dup", Make("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)).Problem);

    [Fact]
    public void MissingFile() =>
        Assert.Contains("no such file", Assert.Throws<InvalidFileException>(() => SafetensorsReader.Open(Path.Combine(_dir, "nope"))).Problem);

    [Fact]
    public void CliReportsOneLineNamingTheFileAndExitsNonZero()
    {
        var path = File("cli.safetensors", Make(Good, 5));
        var (code, stdout, stderr) = CliHarness.Run("info", path);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(path, line);
        Assert.Contains("truncated", line);
    }
}
