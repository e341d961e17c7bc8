using System.Buffers.Binary;
using System.IO.Compression;
using Condense.Formats;

namespace Condense.Imaging;

/// <summary>
/// Writes palette images as real indexed PNGs (colour type 3): an IHDR, a PLTE with the palette,
/// one zlib-compressed IDAT of the packed indices, IEND. The bit depth is the least of 1, 2, 4, 8
/// that holds the palette, so a 4-colour image really costs 2 bits a pixel before compression.
/// Output is a pure function of the input (no timestamps, fixed compression settings), so the
/// same quantization gives the same bytes.
/// </summary>
/// <remarks>PNG specification (W3C, 2nd ed. 2003): §11.2.2 IHDR, §11.2.3 PLTE, §9.2 filter type 0,
/// which libpng recommends for palette images.</remarks>
public static class IndexedPngWriter
{
    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> atomically; returns the bytes written.</summary>
    public static long Write(string path, QuantizedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = Encode(image.Width, image.Height, image.Palette, image.Indices);
        AtomicFile.WriteAllBytes(path, bytes);
        return bytes.LongLength;
    }

    /// <summary>The PNG file's bytes for <paramref name="image"/>.</summary>
    public static byte[] Encode(QuantizedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Encode(image.Width, image.Height, image.Palette, image.Indices);
    }

    /// <summary>The bit depth used for a palette of <paramref name="colors"/> entries (1…256).</summary>
    public static int BitDepthFor(int colors) => colors switch
    {
        <= 2 => 1,
        <= 4 => 2,
        <= 16 => 4,
        _ => 8,
    };

    /// <summary>
    /// Encodes row-major <paramref name="indices"/> (each below the palette's length) with
    /// <paramref name="palette"/> (1…256 entries) as an indexed PNG.
    /// </summary>
    public static byte[] Encode(int width, int height, IReadOnlyList<Rgb24> palette, ReadOnlySpan<byte> indices)
    {
        ArgumentNullException.ThrowIfNull(palette);
        if (width <= 0 || height <= 0)
        {
            throw new CondenseException($"PNG size must be positive, got {width}×{height}");
        }
        if (palette.Count is < 1 or > 256)
        {
            throw new CondenseException($"an indexed PNG holds 1 to 256 palette entries, got {palette.Count}");
        }
        if ((long)width * height != indices.Length)
        {
            throw new CondenseException($"{width}×{height} needs {(long)width * height} indices, got {indices.Length}");
        }
        var depth = BitDepthFor(palette.Count);
        var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = (byte)depth;
        header[9] = 3;   // colour type: indexed
        header[10] = 0;  // compression: deflate
        header[11] = 0;  // filter method 0
        header[12] = 0;  // no interlace
        WriteChunk(output, "IHDR"u8, header);

        var plte = new byte[palette.Count * 3];
        for (var i = 0; i < palette.Count; i++)
        {
            plte[i * 3] = palette[i].R;
            plte[(i * 3) + 1] = palette[i].G;
            plte[(i * 3) + 2] = palette[i].B;
        }
        WriteChunk(output, "PLTE"u8, plte);

        var rowBytes = ((width * depth) + 7) / 8;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + rowBytes];
            var perByte = 8 / depth;
            for (var y = 0; y < height; y++)
            {
                Array.Clear(row);
                var src = indices.Slice(y * width, width);
                if (depth == 8)
                {
                    src.CopyTo(row.AsSpan(1));
                }
                else
                {
                    for (var x = 0; x < width; x++)
                    {
                        var index = src[x];
                        if (index >= palette.Count)
                        {
                            throw new CondenseException($"index {index} at ({x}, {y}) is outside the {palette.Count}-entry palette");
                        }
                        var shift = 8 - (depth * ((x % perByte) + 1));
                        row[1 + (x / perByte)] |= (byte)(index << shift);
                    }
                }
                zlib.Write(row);
            }
        }
        if (depth == 8)
        {
            foreach (var index in indices)
            {
                if (index >= palette.Count)
                {
                    throw new CondenseException($"index {index} is outside the {palette.Count}-entry palette");
                }
            }
        }
        WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
