using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Condense.Tests.Imaging;

/// <summary>Hand-built PNG files for hostile-input tests, with an independent (bitwise) CRC-32.</summary>
internal static class PngBytes
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var result = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(result, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(result, 4);
        data.CopyTo(result, 8);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8 + data.Length), Crc(result.AsSpan(4, 4 + data.Length)));
        return result;
    }

    public static byte[] Ihdr(int width, int height, byte bitDepth = 8, byte colorType = 2)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        data[8] = bitDepth;
        data[9] = colorType;
        return Chunk("IHDR", data);
    }

    /// <summary>A PNG whose header says width × height RGB, with a tiny IDAT (one zero row's worth).</summary>
    public static byte[] WithHeader(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(new byte[64]);
        }
        return [.. Signature, .. Ihdr(width, height), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>A valid 2×2 RGB PNG.</summary>
    public static byte[] Tiny()
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
        }
        return [.. Signature, .. Ihdr(2, 2), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>A valid 1×1 24-bit BMP, a format SkiaSharp reads but Condense does not accept.</summary>
    public static byte[] Bmp()
    {
        var b = new byte[58];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), 1);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), 4);
        b[54] = 10; b[55] = 20; b[56] = 30;
        return b;
    }
}
