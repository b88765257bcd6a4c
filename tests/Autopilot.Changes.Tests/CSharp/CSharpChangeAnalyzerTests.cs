using Autopilot.Changes.CSharp;

namespace Autopilot.Changes.Tests.CSharp;

public sealed class CSharpChangeAnalyzerTests
{
    private static CSharpChangeReport Analyze(string? oldText, string? newText, params string[] banned) =>
        new CSharpChangeAnalyzer(banned.Select(b => BannedApiEntry.Parse(b, out _)!))
            .Analyze([new CSharpFileChange("src/Billing/Invoice.cs", oldText, newText)]);

    private static MemberChange Member(CSharpChangeReport report, string key) =>
        Assert.Single(report.Members, m => m.Key == key);

    [Fact]
    public void Added_removed_and_changed_public_members_are_found_with_stable_keys()
    {
        const string before = """
            namespace MyApp.Billing;

            public class Invoice
            {
                public decimal Total(int count, string currency) => count * 1.0m;
                public void Remove() { }
                public string Name { get; set; } = "";
                public void Body() { var x = 1; }
            }
            """;
        const string after = """
            namespace MyApp.Billing;

            public class Invoice
            {
                public decimal Total(int count, string currency, bool round) => count * 1.0m;
                public string Name { get; set; } = "changed initializer";
                public void Body() { var x = 2; }
                public void Added<T>(System.Int32 value) { }
            }
            """;
        var report = Analyze(before, after);

        var removedOverload = Member(report, "MyApp.Billing.Invoice.Total(int, string)");
        Assert.Equal((MemberChangeKind.Removed, true, true), (removedOverload.Kind, removedOverload.IsPublicApi, removedOverload.IsBreaking));
        var addedOverload = Member(report, "MyApp.Billing.Invoice.Total(int, string, bool)");
        Assert.Equal((MemberChangeKind.Added, true, false), (addedOverload.Kind, addedOverload.IsPublicApi, addedOverload.IsBreaking));
        Assert.Equal(5, addedOverload.Location!.Line);
        Assert.Equal(20, addedOverload.Location.Column);

        Assert.True(Member(report, "MyApp.Billing.Invoice.Remove()").IsBreaking);

        var body = Member(report, "MyApp.Billing.Invoice.Body()");
        Assert.Equal((MemberChangeKind.Changed, true, false, false), (body.Kind, body.IsPublicApi, body.IsBreaking, body.SignatureChanged));
        var name = Member(report, "MyApp.Billing.Invoice.Name");
        Assert.Equal((MemberChangeKind.Changed, false), (name.Kind, name.IsBreaking));

        // System.Int32 and int give the same key; the generic arity is part of it.
        Assert.Equal(MemberChangeKind.Added, Member(report, "MyApp.Billing.Invoice.Added`1(int)").Kind);
        Assert.Equal(6, report.Members.Count);
        Assert.Empty(report.ParseErrors);
    }

    [Fact]
    public void Changed_signature_of_a_public_member_is_breaking_and_whitespace_is_not_a_change()
    {
        var report = Analyze(
            "public class C { public int M(int a) { return a; } public virtual void V() { } }",
            "public class C\n{\n    // comment\n    public int M(int a)\n    {\n        return a;\n    }\n    protected virtual void V() { }\n}");
        var change = Assert.Single(report.Members);
        Assert.Equal(("C.V()", MemberChangeKind.Changed, true, true, true), (change.Key, change.Kind, change.IsPublicApi, change.IsBreaking, change.SignatureChanged));
    }

    [Fact]
    public void Members_that_only_look_public_are_not_public_api()
    {
        const string before = """
            namespace N
            {
                internal class Hidden { public void A() { } }
                public class Outer
                {
                    private class Nested { public void B() { } public class Deeper { public void C() { } } }
                    public sealed class Sealed { }
                    protected class ProtectedNested { public void D() { } }
                }
                public sealed class Closed { protected void E() { } protected internal void F() { } }
                public class Open : System.IDisposable
                {
                    void System.IDisposable.Dispose() { }
                    protected void G() { }
                    private protected void H() { }
                    internal void I() { }
                    void J() { }
                }
                public struct S { internal int K; }
                public interface IFace { void L(); }
                public enum Color { Red }
                class DefaultInternal { public int M; }
            }
            """;
        var report = Analyze(before, null);
        var publicApi = report.Members.Where(m => m.IsPublicApi).Select(m => m.Key).Order(StringComparer.Ordinal).ToList();

        // The whole file is deleted: types stand for their members, so only types appear.
        Assert.Equal(["N.Closed", "N.Color", "N.IFace", "N.Open", "N.Outer", "N.S"], publicApi);
        Assert.DoesNotContain(report.Members, m => m.Key == "N.Hidden" && m.IsPublicApi);
        Assert.Contains(report.Members, m => m.Key == "N.Hidden" && !m.IsPublicApi && m.Kind == MemberChangeKind.Removed);

        // Now the same members one by one, with their types kept.
        var members = Analyze(before, "namespace N { internal class Hidden { } public class Outer { private class Nested { public class Deeper { } } protected class ProtectedNested { } public sealed class Sealed { } } public sealed class Closed { } public class Open : System.IDisposable { } public struct S { } public interface IFace { } public enum Color { } class DefaultInternal { } }");
        var visible = members.Members.Where(m => m.IsPublicApi).Select(m => m.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["N.Color.Red", "N.IFace.L()", "N.Open.G()", "N.Outer.ProtectedNested.D()"], visible);
        // The qualifier of an imported namespace (System, an SDK implicit using) is not part of the key.
        Assert.Contains(members.Members, m => m.Key == "N.Open.IDisposable.Dispose()" && !m.IsPublicApi);
        Assert.Contains(members.Members, m => m.Key == "N.Outer.Nested.Deeper.C()" && !m.IsPublicApi);
        Assert.Contains(members.Members, m => m.Key == "N.Closed.E()" && !m.IsPublicApi);
        Assert.Contains(members.Members, m => m.Key == "N.Closed.F()" && !m.IsPublicApi);
        Assert.All(members.Members.Where(m => !m.IsPublicApi), m => Assert.False(m.IsBreaking));
    }

    [Fact]
    public void New_interface_member_and_new_abstract_member_break_implementers()
    {
        var report = Analyze(
            "public interface IShape { double Area(); }\npublic abstract class Base { }",
            "public interface IShape { double Area(); double Perimeter(); string Name => \"\"; }\npublic abstract class Base { public abstract void Run(); public virtual void Walk() { } }");
        Assert.True(Member(report, "IShape.Perimeter()").IsBreaking);
        Assert.False(Member(report, "IShape.Name").IsBreaking);
        Assert.True(Member(report, "Base.Run()").IsBreaking);
        Assert.False(Member(report, "Base.Walk()").IsBreaking);
    }

    [Fact]
    public void Type_level_changes_removal_and_visibility_loss_are_breaking()
    {
        var report = Analyze(
            "namespace N { public class A : IOne, ITwo { } public class B { } public class Gone { public void X() { } } }",
            "namespace N { public class A : IOne { } internal class B { } public class New { public void Y() { } } }");
        Assert.True(Member(report, "N.A").IsBreaking);
        Assert.True(Member(report, "N.B").IsBreaking);
        var gone = Member(report, "N.Gone");
        Assert.Equal((MemberChangeKind.Removed, true), (gone.Kind, gone.IsBreaking));
        var added = Member(report, "N.New");
        Assert.Equal((MemberChangeKind.Added, true, false), (added.Kind, added.IsPublicApi, added.IsBreaking));
        Assert.DoesNotContain(report.Members, m => m.Key is "N.Gone.X()" or "N.New.Y()");

        var gained = Analyze("public class A { }", "public class A : System.IDisposable { public void Dispose() { } }");
        var a = Member(gained, "A");
        Assert.Equal((MemberChangeKind.Changed, true, false), (a.Kind, a.SignatureChanged, a.IsBreaking));
    }

    [Fact]
    public void Records_constructors_indexers_operators_and_nested_generics_get_keys()
    {
        var report = Analyze(null, """
            namespace Ns;
            public record Point(int X, int Y);
            public class Outer<T>
            {
                public class Inner { public void Method(int a, string b) { } }
                public Outer(T value) { }
                static Outer() { }
                public int this[string key] => 0;
                public static Outer<T> operator +(Outer<T> a, Outer<T> b) => a;
                public event System.EventHandler? Changed;
                public const int Max = 3, Min = 1;
                public void Refs(ref int a, out string b, in double c, params object[] rest) { b = ""; }
            }
            """);
        Assert.Equal(["Ns.Outer`1", "Ns.Point"], report.Members.Select(m => m.Key).Order(StringComparer.Ordinal));

        var members = Analyze("namespace Ns; public record Point(); public class Outer<T> { public class Inner { } }", """
            namespace Ns;
            public record Point(int X, int Y);
            public class Outer<T>
            {
                public class Inner { public void Method(int a, string b) { } }
                public Outer(T value) { }
                static Outer() { }
                public int this[string key] => 0;
                public static Outer<T> operator +(Outer<T> a, Outer<T> b) => a;
                public event System.EventHandler? Changed;
                public const int Max = 3, Min = 1;
                public void Refs(ref int a, out string b, in double c, params object[] rest) { b = ""; }
            }
            """);
        var keys = members.Members.Select(m => m.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "Ns.Outer`1.#cctor()", "Ns.Outer`1.#ctor()", "Ns.Outer`1.#ctor(T)", "Ns.Outer`1.Changed", "Ns.Outer`1.Inner.Method(int, string)",
                "Ns.Outer`1.Max", "Ns.Outer`1.Min", "Ns.Outer`1.Refs(ref int, out string, in double, object[])",
                "Ns.Outer`1.operator +(Ns.Outer<T>, Ns.Outer<T>)".Replace("Ns.Outer<T>", "Outer<T>"), "Ns.Outer`1.this[string]",
                "Ns.Point.#ctor()", "Ns.Point.#ctor(int, int)", "Ns.Point.X", "Ns.Point.Y",
            ],
            keys);
        Assert.True(Member(members, "Ns.Point.#ctor()").IsBreaking);
        Assert.False(Member(members, "Ns.Outer`1.#cctor()").IsPublicApi);

        // Declaring Outer(T) took away the parameterless constructor the compiler supplied before.
        var implicitCtor = Member(members, "Ns.Outer`1.#ctor()");
        Assert.Equal((MemberChangeKind.Removed, true), (implicitCtor.Kind, implicitCtor.IsBreaking));
    }

    [Fact]
    public void A_member_moved_between_changed_files_is_not_added_or_removed()
    {
        var report = new CSharpChangeAnalyzer().Analyze(
        [
            new CSharpFileChange("a.cs", "public partial class P { public void M() { } }", "public partial class P { }"),
            new CSharpFileChange("b.cs", "public partial class P { }", "public partial class P { public void M() { } }"),
        ]);
        Assert.Empty(report.Members);
    }

    [Fact]
    public void A_file_that_does_not_parse_reports_the_error_location_and_no_crash()
    {
        var report = Analyze("public class C { }", "public class C {\n    public void M( { }\n");
        Assert.True(report.HasNewParseErrors);
        var first = report.ParseErrors[0];
        Assert.False(first.InOldText);
        Assert.Equal(("src/Billing/Invoice.cs", 2), (first.Location.Path, first.Location.Line));
        Assert.StartsWith("CS", first.Id);

        var garbage = Analyze(null, "}}}} class { ((( \"unterminated");
        Assert.True(garbage.HasNewParseErrors);
        Assert.All(garbage.ParseErrors, e => Assert.True(e.Location.Line >= 1 && e.Location.Column >= 1));
    }

    [Fact]
    public void Analysis_of_100_changed_files_takes_under_a_second()
    {
        // Every file changes (one method body, one added method); each has ~120 lines.
        static string File(int i, bool changed) => $$"""
            using System;
            using System.Collections.Generic;
            namespace Perf.N{{i}};
            /// <summary>Type {{i}}.</summary>
            public class Type{{i}} : IDisposable
            {
            {{string.Concat(Enumerable.Range(0, 12).Select(m => $$"""
                    /// <summary>Method {{m}}.</summary>
                    public int Method{{m}}(int a, string b)
                    {
                        var list = new List<int>();
                        for (var k = 0; k < a; k++)
                        {
                            list.Add(k * {{(changed && m == 3 ? 2 : 1)}});
                        }

                        return list.Count + b.Length;
                    }

                """))}}
                private readonly string _name = "{{i}}";
                {{(changed ? "public void Added() { }" : "")}}
                void IDisposable.Dispose() { }
            }
            """;
        var files = Enumerable.Range(0, 100).Select(i => new CSharpFileChange($"src/F{i}.cs", File(i, false), File(i, true))).ToList();
        var analyzer = new CSharpChangeAnalyzer([BannedApiEntry.Parse("T:System.Console", out _)!, BannedApiEntry.Parse("M:System.IO.File.Delete(System.String)", out _)!]);
        var report = analyzer.Analyze(files);
        Assert.Equal(200, report.Members.Count);
        Assert.Empty(report.BannedApiUses);
    }
}
