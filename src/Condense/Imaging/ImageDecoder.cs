using System.Runtime.InteropServices;
using SkiaSharp;

namespace Condense.Imaging;

/// <summary>
/// Decodes PNG, JPEG and WebP files into <see cref="RgbImage"/> with SkiaSharp. The header is
/// read first (through <see cref="SKCodec"/>) and an image whose width × height exceeds
/// <see cref="ImageDecodeOptions.MaxPixels"/> is refused before any pixel buffer exists.
/// Every problem with the bytes (not an image, truncated, corrupt, too large, another format)
/// is an <see cref="InvalidFileException"/>.
/// </summary>
/// <remarks>
/// Alpha is dropped (the colour channels are kept as stored, not composited), colour profiles
/// are not applied (the stored values are the ones quantized), and JPEG EXIF orientation is not
/// applied: the pixels are the file's own.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Decodes the image file at <paramref name="path"/>; the file is only read.</summary>
    public static RgbImage Decode(string path, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageDecodeOptions.Default;
        if (!File.Exists(path))
        {
            throw new CondenseException($"{path}: no such file");
        }
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes(options))
        {
            throw new InvalidFileException(path,
                $"{length} bytes is more than any image within the {options.MaxPixels}-pixel limit needs");
        }
        return Decode(File.ReadAllBytes(path), path, options);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="source"/> names it in errors.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string source, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (encoded.Length == 0)
        {
            throw new InvalidFileException(source, "the file is empty");
        }
        using var data = SKData.CreateCopy(encoded);
        // The codec takes ownership of the stream (and disposes it with itself).
        var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
        {
            stream.Dispose();
            throw new InvalidFileException(source, result switch
            {
                SKCodecResult.Unimplemented => "not a PNG, JPEG or WebP image",
                SKCodecResult.IncompleteInput => "the header is truncated",
                _ => $"not a readable PNG, JPEG or WebP image ({Describe(result)})",
            });
        }
        var format = codec.EncodedFormat;
        if (format is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp))
        {
            throw new InvalidFileException(source, $"unsupported image format {format}; Condense reads PNG, JPEG and WebP");
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new InvalidFileException(source, $"the header gives an empty image ({width}×{height})");
        }
        var pixels = (long)width * height;
        if (pixels > options.MaxPixels)
        {
            throw new InvalidFileException(source,
                $"{width}×{height} = {pixels} pixels is over the limit of {options.MaxPixels} pixels");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[pixels * 4];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            var decoded = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (decoded != SKCodecResult.Success)
            {
                throw new InvalidFileException(source, decoded == SKCodecResult.IncompleteInput
                    ? "the image data is truncated"
                    : $"the image data is corrupt ({Describe(decoded)})");
            }
        }
        finally
        {
            handle.Free();
        }

        var rgb = new byte[pixels * 3];
        for (long i = 0, j = 0; i < rgb.LongLength; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>
    /// A file larger than this cannot be a sane encoding of an image within the pixel limit
    /// (uncompressed 16-bit RGBA is 8 bytes a pixel), so it is refused before being read.
    /// </summary>
    static long MaxFileBytes(ImageDecodeOptions options) => (options.MaxPixels * 8) + (16 << 20);

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.InvalidInput => "invalid input",
        SKCodecResult.IncompleteInput => "incomplete input",
        SKCodecResult.ErrorInInput => "error in input",
        SKCodecResult.InvalidConversion => "invalid conversion",
        SKCodecResult.InvalidScale => "invalid scale",
        SKCodecResult.InvalidParameters => "invalid parameters",
        SKCodecResult.CouldNotRewind => "could not rewind",
        SKCodecResult.InternalError => "internal error",
        SKCodecResult.Unimplemented => "unimplemented",
        _ => result.ToString(),
    };
}
