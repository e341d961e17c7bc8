using Microsoft.AspNetCore.Http;

namespace Condense.Studio.Hosting;

/// <summary>Reads an upload into memory, refusing more than the configured limit with 413.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpContext context, long limit)
    {
        var length = context.Request.ContentLength;
        if (length > limit)
            throw new BadHttpRequestException($"upload of {length} bytes exceeds {limit}", StatusCodes.Status413PayloadTooLarge);
        using var memory = new MemoryStream(length is > 0 and < int.MaxValue ? (int)length.Value : 0);
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (memory.Length + read > limit)
                throw new BadHttpRequestException($"upload exceeds {limit} bytes", StatusCodes.Status413PayloadTooLarge);
            memory.Write(buffer, 0, read);
        }
        if (memory.Length == 0) throw new CondenseException("the upload is empty");
        return memory.ToArray();
    }
}
