using System.Buffers.Binary;
using System.IO.Compression;

namespace Condense.Data;

/// <summary>
/// Reads IDX files (the MNIST format: magic 0x0000TTDD with element type TT and DD dimensions,
/// big-endian dimension sizes, then the data), plain or gzipped. Only unsigned-byte data
/// (type 0x08) is accepted, which is what MNIST and Fashion-MNIST use. The header is checked
/// before the data is allocated, and the data must be exactly as long as the header says.
/// </summary>
public static class IdxReader
{
    /// <summary>Largest array the reader accepts (1 GiB): far above Fashion-MNIST's 47 MB.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Reads the IDX file at <paramref name="path"/> (gzipped when it ends in .gz); <paramref name="expectedDimensions"/>, when given, rejects a file of another rank before anything is allocated.</summary>
    public static IdxArray Read(string path, int? expectedDimensions = null)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message);
        }
        using (file)
            return Read(file, path, expectedDimensions);
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/> (already decompressed); <paramref name="source"/> names it in error messages.</summary>
    public static IdxArray Read(Stream stream, string source, int? expectedDimensions = null)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Stream input = buffered;
        Span<byte> magic = stackalloc byte[4];
        var got = ReadFully(input, magic);
        if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            // Gzip: restart on the decompressed stream (seekable inputs only: files and buffers).
            if (!stream.CanSeek)
                throw new InvalidFileException(source, "gzipped IDX input must be seekable");
            stream.Position = 0;
            input = new GZipStream(new BufferedStream(stream, 1 << 16), CompressionMode.Decompress);
            got = ReadFully(input, magic, source);
        }
        if (got < 4)
            throw new InvalidFileException(source, "file is too short for an IDX header");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidFileException(source, $"not an IDX file (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):x8})");
        if (magic[2] != 0x08)
            throw new InvalidFileException(source, $"IDX element type 0x{magic[2]:x2} is not supported (only unsigned bytes, 0x08)");
        int rank = magic[3];
        if (rank is < 1 or > 4)
            throw new InvalidFileException(source, $"IDX array of {rank} dimensions is not supported");
        if (expectedDimensions is { } expected && rank != expected)
            throw new InvalidFileException(source, $"expected an IDX array of {expected} dimensions, found {rank}");
        Span<byte> dimsBytes = stackalloc byte[4 * rank];
        if (ReadFully(input, dimsBytes, source) < dimsBytes.Length)
            throw new InvalidFileException(source, "IDX header is truncated");
        var dims = new int[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(dimsBytes[(4 * i)..]);
            if (d > int.MaxValue)
                throw new InvalidFileException(source, $"IDX dimension {i} is {d}");
            dims[i] = (int)d;
            total *= d;
            if (total > MaxBytes)
                throw new InvalidFileException(source, $"IDX array of [{string.Join(", ", dims.Take(i + 1))}…] exceeds the {MaxBytes}-byte limit");
        }
        // Uncompressed input can be checked against the file's length before allocating;
        // compressed input is bounded by MaxBytes and checked by reading.
        if (ReferenceEquals(input, buffered) && stream.CanSeek && stream.Length - 4 - 4L * rank != total)
            throw new InvalidFileException(source, $"IDX header promises {total} bytes of data but the file holds {stream.Length - 4 - 4L * rank}");
        var data = ReferenceEquals(input, buffered) ? new byte[total] : ReadCompressed(input, total, source);
        if (ReferenceEquals(input, buffered) && ReadFully(input, data, source) != total)
            throw new InvalidFileException(source, $"IDX data is truncated (header promises {total} bytes)");
        Span<byte> trailing = stackalloc byte[1];
        if (ReadFully(input, trailing, source) != 0)
            throw new InvalidFileException(source, "IDX file has bytes after the data its header describes");
        return new IdxArray(dims, data);
    }

    /// <summary>
    /// Decompressed data cannot be checked against the file's length, so it is read in chunks
    /// into a buffer that grows with what actually arrives: a 1 KB gzip whose header promises a
    /// gigabyte costs what it decompresses to, not what it claims.
    /// </summary>
    static byte[] ReadCompressed(Stream input, long total, string source)
    {
        var data = new byte[Math.Min(total, 1 << 16)];
        long read = 0;
        while (read < total)
        {
            if (read == data.Length) Array.Resize(ref data, (int)Math.Min(total, 2L * data.Length));
            var n = ReadFully(input, data.AsSpan((int)read, (int)Math.Min(data.Length - read, 1 << 16)), source);
            if (n == 0)
                throw new InvalidFileException(source, $"IDX data is truncated (header promises {total} bytes, the gzip holds {read})");
            read += n;
        }
        return data;
    }

    static int ReadFully(Stream s, Span<byte> buffer, string? source = null)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = s.Read(buffer[read..]);
                if (n == 0) break;
                read += n;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidFileException(source ?? "input", $"corrupt gzip data ({ex.Message})");
        }
        return read;
    }
}
