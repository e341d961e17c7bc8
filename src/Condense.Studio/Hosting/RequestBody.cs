using Microsoft.AspNetCore.Http;

namespace Condense.Studio.Hosting;

/// <summary>Reads an upload, refusing more than the configured limit with 413 (one message, whatever the size).</summary>
internal static class RequestBody
{
    /// <summary>The whole body in memory: for uploads that are small by nature (photos).</summary>
    public static async Task<byte[]> ReadAsync(HttpContext context, long limit)
    {
        CheckDeclared(context, limit);
        using var memory = new MemoryStream(context.Request.ContentLength is > 0 and < int.MaxValue ? (int)context.Request.ContentLength.Value : 0);
        await CopyAsync(context, limit, memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Streams the body into <paramref name="path"/> (a file the server named), 80 KiB at a time, so a
    /// model of hundreds of MB never sits in one array; returns its length. Over the limit, the file
    /// is removed and the answer is 413.
    /// </summary>
    public static async Task<long> SaveAsync(HttpContext context, long limit, string path)
    {
        CheckDeclared(context, limit);
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await CopyAsync(context, limit, file);
            return new FileInfo(path).Length;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    static void CheckDeclared(HttpContext context, long limit)
    {
        var length = context.Request.ContentLength;
        if (length > limit)
            throw new BadHttpRequestException($"upload of {length} bytes exceeds {limit}", StatusCodes.Status413PayloadTooLarge);
    }

    static async Task CopyAsync(HttpContext context, long limit, Stream target)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            total += read;
            if (total > limit)
                throw new BadHttpRequestException($"upload exceeds {limit} bytes", StatusCodes.Status413PayloadTooLarge);
            await target.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
        }
        if (total == 0) throw new CondenseException("the upload is empty");
    }
}
