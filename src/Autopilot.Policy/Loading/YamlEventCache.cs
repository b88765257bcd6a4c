using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using TagDirective = YamlDotNet.Core.Tokens.TagDirective;

namespace Autopilot.Policy.Loading;

/// <summary>
/// Where parsed YAML is kept between processes (docs/native.md): the parser's event stream of a policy or pack file,
/// stored under the file's content hash, so that the next load replays the events instead of scanning the text.
/// Replaying gives the same nodes with the same positions, so binding, validation and diagnostics are unchanged.
/// </summary>
internal interface IYamlEventStore
{
    /// <summary>The stored events of the text with this SHA-256, or null when there are none or they cannot be trusted.</summary>
    byte[]? TryRead(string contentHash);

    /// <summary>Offers the events of a text just parsed; the store decides when (and whether) to keep them.</summary>
    void Offer(string contentHash, byte[] events);
}

/// <summary>Records and replays YamlDotNet parsing events in a compact binary form.</summary>
internal static class YamlEventCache
{
    /// <summary>The store loads use on this thread; null (the default) parses every time.</summary>
    [ThreadStatic]
    private static IYamlEventStore? t_current;

    public static IYamlEventStore? Current
    {
        get => t_current;
        set => t_current = value;
    }

    /// <summary>
    /// The version of the binary form <see cref="Encode"/> writes; a store names its files' format by it, so that a file
    /// of another version is never decoded. 2: positions as variable-length integers.
    /// </summary>
    internal const int FormatVersion = 2;

    private enum Kind : byte
    {
        StreamStart = 1,
        StreamEnd,
        DocumentStart,
        DocumentEnd,
        MappingStart,
        MappingEnd,
        SequenceStart,
        SequenceEnd,
        Scalar,
        Alias,
    }

    /// <summary>Reads one YAML text through the cache: replays stored events, or parses and offers the events.</summary>
    internal static IParser ParserFor(string text, string hash, out Action? afterLoad)
    {
        afterLoad = null;
        var store = t_current;
        if (store is null)
        {
            return new Parser(new StringReader(text));
        }

        if (store.TryRead(hash) is { } stored && Replay(stored) is { } replay)
        {
            return replay;
        }

        var recorder = new RecordingParser(new Parser(new StringReader(text)));
        afterLoad = () =>
        {
            if (Encode(recorder.Events) is { } encoded)
            {
                store.Offer(hash, encoded);
            }
        };
        return recorder;
    }

    /// <summary>
    /// Parses <paramref name="text"/> and gives its events in binary form (what the source generator compiles into the
    /// engine for the built-in default); null when the text is not well-formed YAML or holds what this format leaves out.
    /// </summary>
    public static byte[]? Record(string text)
    {
        var recorder = new RecordingParser(new Parser(new StringReader(text)));
        try
        {
            while (recorder.MoveNext())
            {
            }
        }
        catch (YamlException)
        {
            return null;
        }

        return Encode(recorder.Events);
    }

    /// <summary>A parser that replays events in binary form, or null when they do not decode.</summary>
    internal static IParser? Replay(byte[] events) => TryDecode(events) is { } decoded ? new ReplayParser(decoded) : null;

    /// <summary>The events in binary form; null when they hold something this format leaves out (directives).</summary>
    public static byte[]? Encode(IReadOnlyList<ParsingEvent> events)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(events.Count);
            foreach (var e in events)
            {
                switch (e)
                {
                    case StreamStart: w.Write((byte)Kind.StreamStart); break;
                    case StreamEnd: w.Write((byte)Kind.StreamEnd); break;
                    case DocumentStart d:
                        if (d.Version is not null)
                        {
                            return null;
                        }

                        w.Write((byte)Kind.DocumentStart);
                        w.Write(d.IsImplicit);
                        w.Write(d.Tags?.Count ?? 0);
                        foreach (var tag in d.Tags ?? [])
                        {
                            w.Write(tag.Handle);
                            w.Write(tag.Prefix);
                        }

                        break;
                    case DocumentEnd d:
                        w.Write((byte)Kind.DocumentEnd);
                        w.Write(d.IsImplicit);
                        break;
                    case MappingStart m:
                        w.Write((byte)Kind.MappingStart);
                        WriteNode(w, m.Anchor, m.Tag);
                        w.Write(m.IsImplicit);
                        w.Write((byte)m.Style);
                        break;
                    case MappingEnd: w.Write((byte)Kind.MappingEnd); break;
                    case SequenceStart s:
                        w.Write((byte)Kind.SequenceStart);
                        WriteNode(w, s.Anchor, s.Tag);
                        w.Write(s.IsImplicit);
                        w.Write((byte)s.Style);
                        break;
                    case SequenceEnd: w.Write((byte)Kind.SequenceEnd); break;
                    case Scalar s:
                        w.Write((byte)Kind.Scalar);
                        WriteNode(w, s.Anchor, s.Tag);
                        w.Write(s.Value);
                        w.Write((byte)s.Style);
                        w.Write(s.IsPlainImplicit);
                        w.Write(s.IsQuotedImplicit);
                        break;
                    case AnchorAlias a:
                        w.Write((byte)Kind.Alias);
                        w.Write(a.Value.Value);
                        break;
                    default:
                        return null; // comments and anything newer: not kept, the text is parsed each time
                }

                WriteMark(w, e.Start);
                WriteMark(w, e.End);
            }
        }

        return stream.ToArray();
    }

    /// <summary>The events back, or null when the bytes are not a whole, well-formed stream (never throws).</summary>
    public static IReadOnlyList<ParsingEvent>? TryDecode(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            var count = r.ReadInt32();
            if (count < 0 || count > bytes.Length)
            {
                return null;
            }

            var events = new List<ParsingEvent>(count);
            for (var i = 0; i < count; i++)
            {
                events.Add(ReadEvent(r));
            }

            return r.BaseStream.Position == bytes.Length ? events : null;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or InvalidDataException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static ParsingEvent ReadEvent(BinaryReader r)
    {
        var kind = (Kind)r.ReadByte();
        switch (kind)
        {
            case Kind.StreamStart: return new StreamStart(ReadMark(r), ReadMark(r));
            case Kind.StreamEnd: return new StreamEnd(ReadMark(r), ReadMark(r));
            case Kind.DocumentStart:
                {
                    var isImplicit = r.ReadBoolean();
                    var count = r.ReadInt32();
                    var tags = new TagDirectiveCollection();
                    for (var i = 0; i < count; i++)
                    {
                        tags.Add(new TagDirective(r.ReadString(), r.ReadString()));
                    }

                    return new DocumentStart(null, tags, isImplicit, ReadMark(r), ReadMark(r));
                }

            case Kind.DocumentEnd:
                {
                    var isImplicit = r.ReadBoolean();
                    return new DocumentEnd(isImplicit, ReadMark(r), ReadMark(r));
                }

            case Kind.MappingStart:
                {
                    var (anchor, tag) = ReadNode(r);
                    var isImplicit = r.ReadBoolean();
                    var style = (MappingStyle)r.ReadByte();
                    return new MappingStart(anchor, tag, isImplicit, style, ReadMark(r), ReadMark(r));
                }

            case Kind.MappingEnd: return new MappingEnd(ReadMark(r), ReadMark(r));
            case Kind.SequenceStart:
                {
                    var (anchor, tag) = ReadNode(r);
                    var isImplicit = r.ReadBoolean();
                    var style = (SequenceStyle)r.ReadByte();
                    return new SequenceStart(anchor, tag, isImplicit, style, ReadMark(r), ReadMark(r));
                }

            case Kind.SequenceEnd: return new SequenceEnd(ReadMark(r), ReadMark(r));
            case Kind.Scalar:
                {
                    var (anchor, tag) = ReadNode(r);
                    var value = r.ReadString();
                    var style = (ScalarStyle)r.ReadByte();
                    var plain = r.ReadBoolean();
                    var quoted = r.ReadBoolean();
                    return new Scalar(anchor, tag, value, style, plain, quoted, ReadMark(r), ReadMark(r));
                }

            case Kind.Alias:
                {
                    var name = r.ReadString();
                    return new AnchorAlias(new AnchorName(name), ReadMark(r), ReadMark(r));
                }

            default:
                throw new InvalidDataException($"unknown YAML event kind {(byte)kind}");
        }
    }

    private static void WriteNode(BinaryWriter w, AnchorName anchor, TagName tag)
    {
        w.Write(anchor.IsEmpty ? "" : anchor.Value);
        w.Write(tag.IsEmpty ? "" : tag.Value);
    }

    private static (AnchorName Anchor, TagName Tag) ReadNode(BinaryReader r)
    {
        var anchor = r.ReadString();
        var tag = r.ReadString();
        return (anchor.Length == 0 ? AnchorName.Empty : new AnchorName(anchor), tag.Length == 0 ? TagName.Empty : new TagName(tag));
    }

    // A position is three small non-negative numbers: written as 7-bit variable-length integers (one to three bytes
    // each in practice instead of eight), which keeps the events about a third of the size and quick to read.
    private static void WriteMark(BinaryWriter w, Mark mark)
    {
        WriteVarint(w, mark.Index);
        WriteVarint(w, mark.Line);
        WriteVarint(w, mark.Column);
    }

    private static Mark ReadMark(BinaryReader r) => new(ReadVarint(r), ReadVarint(r), ReadVarint(r));

    private static void WriteVarint(BinaryWriter w, long value)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "a YAML position is never negative");
        }

        while (value >= 0x80)
        {
            w.Write((byte)(value | 0x80));
            value >>= 7;
        }

        w.Write((byte)value);
    }

    private static long ReadVarint(BinaryReader r)
    {
        long value = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            var b = r.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a position is longer than 9 bytes");
    }

    /// <summary>Passes a parser's events through and keeps them.</summary>
    private sealed class RecordingParser(IParser inner) : IParser
    {
        public List<ParsingEvent> Events { get; } = [];

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            Events.Add(inner.Current!);
            return true;
        }
    }

    /// <summary>Hands stored events to YamlStream as if a parser produced them.</summary>
    private sealed class ReplayParser(IReadOnlyList<ParsingEvent> events) : IParser
    {
        private int _next;

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            if (_next >= events.Count)
            {
                Current = null;
                return false;
            }

            Current = events[_next++];
            return true;
        }
    }
}
