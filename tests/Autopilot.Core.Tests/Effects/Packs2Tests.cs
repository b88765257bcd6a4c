using Autopilot.Core.Actions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Effects;

/// <summary>
/// The containers, kubernetes, iac and hosting packs (policies/packs/) under the built-in default policy: for each
/// command, the distinct effect kinds the packs resolve and the verdict at execute_safe (docs/effects.md: reads are
/// low and allowed; create/change and config.global medium, destroy, secret.read, publish and privilege high: all
/// escalated at execute_safe).
/// </summary>
public sealed class Packs2Tests
{
    private static readonly Autopilot.Core.Policies.PolicyEngine s_engine = Autopilot.Core.Policies.PolicySource.Load(null).Engine!;
    private static readonly ActionContext s_context = new("/work/repo", "/home/agent") { ResolveSymlinks = false };

    public static TheoryData<string, string, string> Rows(string pack)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (command, kinds, verdict) in s_rows[pack])
        {
            data.Add(command, kinds, verdict);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows), "containers")]
    public void Containers(string command, string kinds, string verdict) => Check(command, kinds, verdict);

    [Theory]
    [MemberData(nameof(Rows), "kubernetes")]
    public void Kubernetes(string command, string kinds, string verdict) => Check(command, kinds, verdict);

    [Theory]
    [MemberData(nameof(Rows), "iac")]
    public void Iac(string command, string kinds, string verdict) => Check(command, kinds, verdict);

    [Theory]
    [MemberData(nameof(Rows), "hosting")]
    public void Hosting(string command, string kinds, string verdict) => Check(command, kinds, verdict);

    [Fact]
    public void Every_program_of_the_four_packs_is_known()
    {
        string[] programs =
        [
            "docker", "podman", "nerdctl", "docker-compose", "buildah", "skopeo", "crane", "colima", "lima", "limactl",
            "kubectl", "oc", "helm", "kustomize", "kind", "minikube", "k3d", "eksctl", "kubectx", "kubens", "k9s", "stern", "argocd", "flux", "istioctl", "skaffold", "tilt",
            "terraform", "tofu", "terragrunt", "pulumi", "cdk", "cdktf", "serverless", "sls", "sam", "ansible", "ansible-playbook", "packer", "vagrant", "crossplane", "nomad", "consul",
            "vercel", "now", "netlify", "fly", "flyctl", "heroku", "wrangler", "firebase", "supabase", "stripe", "railway", "render", "surge", "amplify", "appwrite", "doctl",
        ];
        foreach (var program in programs)
        {
            var decision = s_engine.Actions.Command(program + " --help", s_context, "execute_safe");
            Assert.DoesNotContain(decision.Findings, f => f.RuleId == "AP-ACTION-UNLISTED");
        }
    }

    [Fact]
    public void The_table_covers_at_least_eighty_commands() => Assert.True(s_rows.Values.Sum(r => r.Length) >= 80);

    private static void Check(string command, string kinds, string verdict)
    {
        var classification = s_engine.Actions.Classifier.ClassifyCommand(command, s_context);
        var actual = string.Join(",", classification.Effects.Select(e => e.Kind).Distinct().OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(kinds, actual);
        var decision = s_engine.Actions.Command(command, s_context, "execute_safe");
        Assert.Equal(verdict, decision.Verdict.ToString().ToLowerInvariant());
    }

    // command, distinct effect kinds (sorted, comma-separated), verdict at execute_safe
    private static readonly Dictionary<string, (string Command, string Kinds, string Verdict)[]> s_rows = new()
    {
        ["containers"] =
        [
            ("docker ps -a", "remote.read", "allow"),
            ("docker images", "remote.read", "allow"),
            ("docker inspect --format '{{.State.Status}}' app", "remote.read", "allow"),
            ("docker inspect db --format '{{json .Config.Env}}'", "remote.read,secret.read", "escalate"),
            ("docker logs --tail 100 -f api", "remote.read", "allow"),
            ("docker build -t app:dev .", "", "allow"),
            ("docker buildx build --push -t org/app:latest .", "publish", "escalate"),
            ("docker run --rm -p 8080:8080 app:dev", "", "allow"),
            ("docker run --rm -v \"$PWD\":/src -w /src node:20 npm test", "", "allow"),
            ("docker run --privileged alpine sh", "privilege", "escalate"),
            ("docker run -v /:/host alpine ls /host", "privilege", "escalate"),
            ("docker run -v /var/run/docker.sock:/var/run/docker.sock docker:cli ps", "privilege", "escalate"),
            ("docker run --pid=host --net=host alpine top", "privilege", "escalate"),
            ("docker run --cap-add=SYS_ADMIN alpine mount", "privilege", "escalate"),
            ("docker run -v ~/.ssh:/root/.ssh alpine ls", "secret.read", "escalate"),
            ("docker run -d --restart=always nginx", "persist", "escalate"),
            // the command inside the container is unwrapped by the parser and judged on its own
            ("docker exec app ls /app", "", "allow"),
            ("docker stop web", "", "allow"),
            ("docker stop $(docker ps -q)", "process.kill,remote.read", "escalate"),
            ("docker rm web", "", "allow"),
            ("docker rm -f web", "remote.destroy", "escalate"),
            ("docker rmi -f $(docker images -q)", "remote.destroy,remote.read", "escalate"),
            ("docker system prune -af", "remote.destroy", "escalate"),
            ("docker volume rm pgdata", "remote.destroy", "escalate"),
            ("docker image prune", "", "allow"),
            ("docker image prune -a -f", "remote.destroy", "escalate"),
            ("docker push org/app:1.0", "publish", "escalate"),
            ("docker login ghcr.io -u bot --password-stdin", "config.global", "escalate"),
            ("docker context use prod", "config.global", "escalate"),
            ("docker cp web:/app/log.txt ./log.txt", "file.read,file.write", "allow"),
            ("docker compose up -d db", "", "allow"),
            ("docker compose ps", "remote.read", "allow"),
            ("docker compose -f docker-compose.dev.yml down", "", "allow"),
            ("docker compose down -v", "remote.destroy", "escalate"),
            ("docker compose exec db psql", "exec.unseen", "escalate"),
            ("docker-compose down --volumes", "remote.destroy", "escalate"),
            ("docker-compose logs -f", "remote.read", "allow"),
            ("podman rm -af", "remote.destroy", "escalate"),
            ("nerdctl ps", "remote.read", "allow"),
            ("skopeo inspect docker://alpine", "remote.read", "allow"),
            ("skopeo copy docker://a/b:1 docker://c/d:1", "publish", "escalate"),
            ("crane ls ghcr.io/org/app", "remote.read", "allow"),
            ("crane auth get ghcr.io", "secret.read", "escalate"),
            ("crane delete ghcr.io/org/app:old", "remote.destroy", "escalate"),
            ("lima uname -a", "exec.unseen", "escalate"),
            ("limactl delete default", "remote.destroy", "escalate"),
            ("colima start", "", "allow"),
            ("colima delete", "remote.destroy", "escalate"),
            ("docker run --mount type=bind,source=/,target=/host alpine ls", "privilege", "escalate"),
            ("docker build -o type=registry,ref=ghcr.io/org/app:1 .", "publish", "escalate"),
        ],
        ["kubernetes"] =
        [
            ("kubectl get pods -A", "remote.read", "allow"),
            ("kubectl -n prod get deploy api -o yaml", "remote.read", "allow"),
            ("kubectl get secret db-creds -o jsonpath='{.data.password}'", "remote.read,secret.read", "escalate"),
            ("kubectl get secrets", "remote.read", "allow"),
            ("kubectl describe secret db-creds", "remote.read", "allow"),
            ("kubectl config view --raw", "remote.read,secret.read", "escalate"),
            ("kubectl config view", "remote.read", "allow"),
            ("kubectl config use-context prod", "config.global", "escalate"),
            ("kubectl apply -f k8s/", "remote.change", "escalate"),
            ("kubectl apply -f k8s/ --dry-run=server", "remote.read", "allow"),
            ("kubectl apply -f k8s/ --dry-run=none", "remote.change,remote.read", "escalate"),
            ("kubectl -n prod delete ns x", "remote.destroy", "escalate"),
            ("kubectl delete pod x --dry-run=client", "remote.read", "allow"),
            ("kubectl scale deploy api --replicas=0", "remote.change", "escalate"),
            ("kubectl rollout restart deploy/web", "remote.change", "escalate"),
            ("kubectl rollout status deploy/web", "remote.read", "allow"),
            ("kubectl drain node-1 --ignore-daemonsets", "remote.destroy", "escalate"),
            ("kubectl exec -it pod -- ls /", "", "escalate"),
            ("kubectl exec -it pod sh", "exec.unseen", "escalate"),
            ("kubectl run tmp --image=alpine -- sh", "exec.unseen,remote.create", "escalate"),
            ("kubectl debug node/worker-1 -it --image=busybox", "exec.unseen,privilege", "escalate"),
            ("kubectl cp ./x.txt default/pod:/tmp/x.txt", "file.read,file.write,remote.change", "escalate"),
            ("kubectl create token default", "secret.read", "escalate"),
            ("kubectl port-forward svc/api 8080:80", "remote.read", "allow"),
            ("kubectl krew install ctx", "package.install-global", "escalate"),
            ("oc whoami -t", "remote.read,secret.read", "escalate"),
            ("helm list -A", "remote.read", "allow"),
            ("helm template charts/app", "remote.read", "allow"),
            ("helm install api ./chart -n prod", "remote.change", "escalate"),
            ("helm upgrade --install api ./chart --dry-run", "remote.read", "allow"),
            ("helm uninstall api -n prod", "remote.destroy", "escalate"),
            ("helm repo add bitnami https://charts.bitnami.com/bitnami", "config.global", "escalate"),
            ("helm get values api -a", "secret.read", "escalate"),
            ("helm push chart-0.1.0.tgz oci://registry.example.com/charts", "publish", "escalate"),
            ("helm upgrade api ./chart --post-renderer ./render.sh", "exec.unseen,remote.change", "escalate"),
            ("kind create cluster --name dev", "remote.create", "escalate"),
            ("kind delete cluster --name dev", "remote.destroy", "escalate"),
            ("minikube status", "remote.read", "allow"),
            ("minikube start", "remote.create", "escalate"),
            ("eksctl get clusters", "remote.read", "allow"),
            ("eksctl delete cluster --name prod", "remote.destroy", "escalate"),
            ("kubectx", "remote.read", "allow"),
            ("kubectx prod", "config.global,remote.read", "escalate"),
            ("kubens kube-system", "config.global,remote.read", "escalate"),
            ("k9s --readonly", "remote.read", "allow"),
            ("k9s", "remote.change,remote.read", "escalate"),
            ("stern api -n prod", "remote.read", "allow"),
            ("argocd app list", "remote.read", "allow"),
            ("argocd app sync prod", "remote.change", "escalate"),
            ("argocd app delete prod --cascade", "remote.destroy", "escalate"),
            ("argocd admin initial-password", "secret.read", "escalate"),
            ("flux get kustomizations", "remote.read", "allow"),
            ("flux reconcile kustomization apps", "remote.change", "escalate"),
            ("istioctl analyze", "remote.read", "allow"),
            ("istioctl uninstall --purge", "remote.destroy", "escalate"),
            ("skaffold render", "remote.read", "allow"),
            ("skaffold dev", "remote.change", "escalate"),
            ("tilt up", "remote.change", "escalate"),
            ("tilt down", "remote.destroy", "escalate"),
            ("kubectl run r --image=alpine --overrides='{\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"r\",\"image\":\"docker.io/alpine\"}]}}'", "exec.unseen,privilege,remote.create", "escalate"),
        ],
        ["iac"] =
        [
            ("terraform plan", "remote.read", "allow"),
            ("terraform plan -destroy", "remote.read", "allow"),
            ("terraform init -upgrade", "remote.read", "allow"),
            ("terraform apply -auto-approve", "remote.change", "escalate"),
            ("terraform apply -destroy -auto-approve", "remote.change,remote.destroy", "escalate"),
            ("terraform destroy", "remote.destroy", "escalate"),
            ("terraform -chdir=infra destroy -auto-approve", "remote.destroy", "escalate"),
            ("terraform output", "remote.read", "allow"),
            ("terraform output -json", "remote.read,secret.read", "escalate"),
            ("terraform show -json tfplan", "remote.read,secret.read", "escalate"),
            ("terraform state list", "remote.read", "allow"),
            ("terraform state pull", "secret.read", "escalate"),
            ("terraform state rm aws_s3_bucket.logs", "remote.destroy", "escalate"),
            ("terraform workspace delete prod", "remote.destroy", "escalate"),
            ("terraform force-unlock 1234", "remote.destroy", "escalate"),
            ("terraform import aws_s3_bucket.b my-bucket", "remote.change", "escalate"),
            ("terraform login", "config.global", "escalate"),
            ("terraform fmt -check", "", "allow"),
            ("tofu apply -auto-approve", "remote.change", "escalate"),
            ("terragrunt plan", "remote.read", "allow"),
            ("terragrunt run-all apply", "remote.change,remote.read", "escalate"),
            ("terragrunt run-all destroy", "remote.destroy,remote.read", "escalate"),
            ("terragrunt output -json", "remote.read,secret.read", "escalate"),
            ("pulumi preview", "remote.read", "allow"),
            ("pulumi up --yes", "remote.change", "escalate"),
            ("pulumi destroy --yes", "remote.destroy", "escalate"),
            ("pulumi stack rm prod", "remote.destroy", "escalate"),
            ("pulumi config set --secret dbPassword hunter2", "", "allow"),
            ("pulumi config --show-secrets", "remote.read,secret.read", "escalate"),
            ("pulumi stack output --show-secrets", "remote.read,secret.read", "escalate"),
            ("cdk synth", "remote.read", "allow"),
            ("cdk diff", "remote.read", "allow"),
            ("cdk deploy --all", "remote.change", "escalate"),
            ("cdk destroy --all", "remote.destroy", "escalate"),
            ("cdktf deploy", "remote.change", "escalate"),
            ("serverless deploy --stage prod", "remote.change", "escalate"),
            ("sls remove", "remote.destroy", "escalate"),
            ("sls invoke local -f hello", "exec.project", "allow"),
            ("sam build", "", "allow"),
            ("sam deploy", "remote.change", "escalate"),
            ("sam delete", "remote.destroy", "escalate"),
            ("ansible all -m ping", "remote.read", "allow"),
            ("ansible all -m shell -a 'uptime'", "exec.unseen,remote.change,remote.read", "escalate"),
            ("ansible all -a 'uptime'", "exec.unseen,remote.change,remote.read", "escalate"),
            ("ansible all -m apt -a 'name=nginx state=present' --become", "remote.change,remote.read", "escalate"),
            ("ansible all -m file -a 'path=/srv state=absent'", "remote.change,remote.destroy,remote.read", "escalate"),
            ("ansible all -m copy -a 'src=a dest=/b' --check", "remote.read", "allow"),
            ("ansible-playbook -i prod site.yml", "remote.change", "escalate"),
            ("ansible-playbook -i prod site.yml --check --diff", "remote.read", "allow"),
            ("ansible-playbook -i localhost, -c local -b site.yml", "privilege,remote.change", "escalate"),
            ("packer validate .", "remote.read", "allow"),
            ("packer build .", "remote.create", "escalate"),
            ("vagrant up", "", "allow"),
            ("vagrant destroy -f", "remote.destroy", "escalate"),
            ("vagrant ssh -c 'ls'", "exec.unseen", "escalate"),
            ("nomad job status api", "remote.read", "allow"),
            ("nomad job run api.nomad", "remote.change", "escalate"),
            ("nomad job stop -purge api", "remote.destroy", "escalate"),
            ("nomad var get secret/db", "secret.read", "escalate"),
            ("consul members", "remote.read", "allow"),
            ("consul kv get config/app", "remote.read", "allow"),
            ("consul kv delete -recurse app/", "remote.destroy", "escalate"),
            ("consul acl token list", "secret.read", "escalate"),
        ],
        ["hosting"] =
        [
            ("vercel ls", "remote.read", "allow"),
            ("vercel", "remote.change", "escalate"),
            ("vercel --prod", "remote.change", "escalate"),
            ("vercel deploy --prod", "remote.change", "escalate"),
            ("vercel env ls", "remote.read", "allow"),
            ("vercel env pull .env.local", "secret.read", "escalate"),
            ("vercel env add API_KEY production", "remote.change", "escalate"),
            ("vercel remove my-app --yes", "remote.destroy", "escalate"),
            ("vercel login", "config.global", "escalate"),
            ("netlify status", "remote.read", "allow"),
            ("netlify deploy --dir dist", "remote.change", "escalate"),
            ("netlify deploy --prod --dir dist", "remote.change", "escalate"),
            ("netlify env:list", "secret.read", "escalate"),
            ("netlify sites:delete 123", "remote.destroy", "escalate"),
            ("netlify api listSites", "remote.read", "allow"),
            ("netlify api deleteSite --data '{\"site_id\":\"1\"}'", "remote.change", "escalate"),
            ("fly status", "remote.read", "allow"),
            ("fly deploy", "remote.change", "escalate"),
            ("fly secrets list", "remote.read", "allow"),
            ("fly secrets set KEY=v", "remote.change", "escalate"),
            ("fly apps destroy my-app", "remote.change,remote.destroy", "escalate"),
            ("fly ssh console -C 'ls'", "exec.unseen", "escalate"),
            ("fly auth token", "secret.read", "escalate"),
            ("heroku ps -a app", "remote.read", "allow"),
            ("heroku logs --tail -a app", "remote.read", "allow"),
            ("heroku config -a app", "secret.read", "escalate"),
            ("heroku config:set X=1 -a app", "remote.change", "escalate"),
            ("heroku apps:destroy --app app --confirm app", "remote.change,remote.destroy", "escalate"),
            ("heroku pg:reset DATABASE_URL --confirm app", "remote.change,remote.destroy", "escalate"),
            ("heroku run bash -a app", "exec.unseen", "escalate"),
            ("heroku releases:rollback -a app", "remote.change", "escalate"),
            ("wrangler deploy", "remote.change", "escalate"),
            ("wrangler deploy --dry-run", "remote.read", "allow"),
            ("wrangler dev", "", "allow"),
            ("wrangler tail", "remote.read", "allow"),
            ("wrangler secret list", "remote.read", "allow"),
            ("wrangler secret put API_KEY", "remote.change", "escalate"),
            ("wrangler d1 execute db --local --command \"DROP TABLE x\"", "", "allow"),
            ("wrangler d1 execute db --remote --command \"DROP TABLE x\"", "remote.change,remote.destroy", "escalate"),
            ("wrangler d1 execute db --remote --command \"SELECT 1\"", "remote.change", "escalate"),
            ("wrangler r2 bucket delete assets", "remote.change,remote.destroy", "escalate"),
            ("wrangler kv namespace list", "remote.read", "allow"),
            ("firebase deploy --only hosting", "remote.change", "escalate"),
            ("firebase hosting:channel:deploy preview", "remote.change", "escalate"),
            ("firebase emulators:start", "", "allow"),
            ("firebase firestore:delete --all-collections --force", "remote.change,remote.destroy", "escalate"),
            ("firebase functions:config:get", "secret.read", "escalate"),
            ("firebase projects:list", "remote.read", "allow"),
            ("supabase start", "", "allow"),
            ("supabase db reset", "remote.destroy", "escalate"),
            ("supabase db push", "remote.change", "escalate"),
            ("supabase db push --dry-run", "remote.read", "allow"),
            ("supabase functions deploy hello", "remote.change", "escalate"),
            ("supabase status", "secret.read", "escalate"),
            ("supabase secrets list", "remote.read", "allow"),
            ("stripe customers list", "remote.read", "allow"),
            ("stripe customers create --email a@b.c", "remote.change,remote.read", "escalate"),
            ("stripe customers delete cus_1", "remote.change,remote.destroy,remote.read", "escalate"),
            ("stripe subscriptions cancel sub_1", "remote.change,remote.destroy,remote.read", "escalate"),
            ("stripe listen --forward-to localhost:3000/webhook", "remote.create", "escalate"),
            ("stripe trigger payment_intent.succeeded", "remote.create", "escalate"),
            ("stripe config --list", "secret.read", "escalate"),
            ("stripe logs tail", "remote.read", "allow"),
            ("railway status", "remote.read", "allow"),
            ("railway up", "remote.change", "escalate"),
            ("railway variables", "secret.read", "escalate"),
            ("railway variables --set KEY=v", "remote.change", "escalate"),
            ("railway down", "remote.destroy", "escalate"),
            ("railway run npm start", "exec.unseen", "escalate"),
            ("render services", "remote.read", "allow"),
            ("render deploys create srv-1", "remote.change", "escalate"),
            ("surge ./dist my.surge.sh", "remote.change", "escalate"),
            ("surge teardown my.surge.sh", "remote.destroy", "escalate"),
            ("surge list", "remote.read", "allow"),
            ("amplify status", "remote.read", "allow"),
            ("amplify push", "remote.change", "escalate"),
            ("amplify delete", "remote.destroy", "escalate"),
            ("appwrite databases list", "remote.read", "allow"),
            ("appwrite databases delete --database-id x", "remote.change,remote.destroy,remote.read", "escalate"),
            ("appwrite databases create --database-id x --name y", "remote.change,remote.read", "escalate"),
            ("doctl apps list", "remote.read", "allow"),
            ("doctl compute droplet list", "remote.read", "allow"),
            ("doctl compute droplet create web --size s-1vcpu-1gb --image ubuntu-22-04-x64 --region nyc1", "remote.change,remote.read", "escalate"),
            ("doctl compute droplet delete web-1 --force", "remote.change,remote.destroy,remote.read", "escalate"),
            ("doctl databases connection db-1", "secret.read", "escalate"),
            ("doctl auth init", "config.global", "escalate"),
        ],
    };
}
