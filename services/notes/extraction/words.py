"""Word lists the owner rules need: words that are never a person's nick.

MeetBot's convention makes the first word after ``#action`` a nick "when it looks like one"; in prose
the subject of "X will ..." is a person only when X is one. A lower-case word that is not a known
person counts as a nick unless it is listed here: English words an action or a sentence starts with,
pronouns and determiners, and the names of projects, teams, tools and organisations that sit next to
verbs in PTG notes ("kolla will support", "nova agreed"). Capitalised words and acronyms are never
taken for unknown nicks (see :func:`owners.looks_like_nick`), so this list holds lower-case forms.
"""
from __future__ import annotations

_FUNCTION = """
a an the this that these those there here it its it's they them their theirs we us our ours you your
yours he him his she her hers i me my mine myself yourself ourselves themselves itself one ones
someone somebody anyone anybody everyone everybody nobody noone none nothing something anything
everything all any each every both either neither some many much more most few less least several
other others another such same own who whom whose which what whatever whoever when where why how
whether if unless because since while though although as so than then too also just only even still
yet already again ever never not no yes ok okay and or but nor for of to in on at by with without
from into onto about above below over under after before during between among through throughout
across against along around behind beyond near per via vs versus upon within toward towards up down
out off away back like unlike plus minus is are was were be been being am do does did done doing have
has had having will would shall should can could may might must need needs needed ought let lets
please thanks thank hi hello hey cheers regards sure yeah yep yup nope well right fine cool great best
note notes todo tbd tba fyi wip nb ie eg etc
maybe perhaps probably possibly likely unlikely really very quite rather fairly mostly mainly generally
usually often sometimes always currently now today tomorrow yesterday soon later next last first second
third finally lastly overall basically actually otherwise however therefore instead meanwhile anyway
"""

# Verbs an action item starts with ("#action write the spec"), in the forms that can start one.
_VERBS = """
accept add address adjust adopt agree aim align allow analyse analyze announce answer apply approve
archive arrange ask assess assign attend audit automate avoid backport be become begin benchmark
book break bring build bump call cancel capture change chase check choose clarify clean cleanup close
collect come comment commit communicate compare complete configure confirm connect consider contact
continue contribute convert coordinate copy create cut deal debug decide decline define delete deliver
demo deploy deprecate describe design destroy determine develop dig disable discuss dispatch do
document double-check draft draw drive drop edit email enable ensure establish estimate evaluate
examine expand experiment explain explore expose extend extract file fill find finish fix flag follow
fork form formalise formalize gather generate get give go grab handle hand help hold host identify
implement import improve include increase inform initiate install integrate investigate invite
join keep kick land launch lead learn leave limit link list look maintain make manage mark measure
meet mention merge migrate mirror monitor move name note notify open organise organize own package
pair paste pick ping plan poke port post prepare present prioritise prioritize produce promote
propose prototype provide publish pull push put query raise reach read rebase rebuild recheck record
reduce refactor refresh register release remind remove rename reopen reorganise repair replace reply
report request require rerun research reserve resolve respond restart restore resume retire retry
return reuse review revert revisit revive rewrite roll run schedule scope search see seek send set
setup share ship show sign socialise socialize solve sort speak spec specify split sponsor start stop
store submit suggest summarise summarize support switch sync take talk target teach tell test think
track train transfer translate triage trial try tune turn unblock understand update upgrade upload
use validate verify vote wait watch work wrap write
adds added adding updates updated updating writes wrote written writing works worked working looks
looked looking checks checked checking sends sent sending reviews reviewed reviewing makes made
making gets got getting takes took taking follows followed following starts started starting
"""

# Nouns and adjectives that head a subject or start an action line in PTG notes.
_NOUNS = """
action actions item items task tasks bug bugs patch patches change changes review reviews spec specs
blueprint blueprints story stories doc docs documentation wiki etherpad pad mail email emails list
lists thread meeting meetings session sessions topic topics agenda summary team teams folks people
person persons guys group groups squad squads community communities core cores reviewer reviewers
maintainer maintainers contributor contributors developer developers dev devs operator operators
user users deployer deployers vendor vendors member members room rooms track tracks owner owners
volunteer volunteers chair chairs lead leads ptl ptls liaison liaisons tc board foundation staff
infra ci gate gates job jobs test tests testing release releases cycle cycles milestone milestones
deadline goal goals plan plans roadmap priority priorities project projects service services api apis
client clients server servers driver drivers plugin plugins feature features support image images
container containers node nodes cluster clusters cloud clouds network networks storage compute
database db queue config configuration option options default defaults code repo repos repository
branch branch master main stable upstream downstream tooling tool tools script scripts process issue
issues problem problems question questions idea ideas proposal proposals decision decisions outcome
outcomes consensus agreement discussion discussions feedback update version versions work effort
efforts design architecture performance security scale scaling upgrade upgrades migration python
python3 py3 py2 ansible new old good bad great nice big small large simple hard easy important
general common current future previous initial final other main same different separate whole full
partial open closed done ready blocked pending ongoing optional required mandatory possible
unassigned unowned nobody's someone's everyone's sig wg ml irc ptg summit forum week day morning
afternoon monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december q1 q2 q3 q4 dc rh oath
"""

# More everyday English a sentence or an action can start with.
_COMMON = """
time times way ways thing things part parts place case cases point points fact number numbers system systems
program programs question world area areas level levels kind kinds sort type types form line lines end
start result results reason reasons example examples idea model models state status step steps stage
phase detail details list data info information content document page pages link links file files folder
folders path paths name names value values key keys field fields table tables column row rows record
records event events message messages email mails notification notifications alert alerts log logs report
reports metric metrics graph graphs chart charts dashboard dashboards ui gui cli api sdk tooling library
libraries framework frameworks module modules package packages dependency dependencies requirement
requirements constraint constraints limit limits quota quotas policy policies rule rules role roles
permission permissions access account accounts token tokens secret secrets certificate certificates cert
certs password passwords user-facing backend backends frontend frontends cache caching index queue queues
worker workers thread threads process processes job jobs task pipeline pipelines build builds deploy
deployment deployments install installation upgrade migration migrations rollout rollback backup backups
restore snapshot snapshots volume volumes disk disks host hosts machine machines vm vms instance instances
network port ports address addresses router routers switch switches cable firmware hardware software
kernel driver device devices gpu gpus cpu cpus memory ram bandwidth latency throughput load traffic
request requests response responses call calls error errors failure failures bug crash regression
regressions fix fixes workaround workarounds patchset patchsets commit commits branch branches tag tags
merge merges rebase conflict conflicts review reviewer approval vote votes comment comments feedback
discussion session summit ptg forum meetup workshop talk talks slide slides video videos recording
recordings demo demos presentation presentations etherpads spreadsheet survey surveys poll polls answer
answers reply replies thanks issue ticket tickets rfe rfes spec blueprint roadmap backlog milestone
release schedule calendar deadline freeze cutoff week weeks month months year years cycle day days
hour hours minute minutes today tonight weekend morning evening noon future past present history
everyone's nobody someone's anyone's one's each everything nothing something anything lots lot plenty
bunch couple few handful majority minority rest remainder half whole total most
new old same other different similar better worse best worst good bad great poor nice fine ok okay
hard easy simple complex difficult clear unclear sure unsure likely possible impossible ready done
finished complete incomplete broken fixed stable unstable flaky slow fast quick early late next last
previous current recent upcoming first second third main major minor big small large huge tiny long
short high low full empty open closed public private internal external local remote global shared
common generic specific special general overall basic advanced default custom optional mandatory
required necessary important critical urgent blocked
re pre co non multi sub de un cross batch batches
"""

# OpenStack and neighbouring projects, tools, distributions, companies: never a person.
_PROJECTS = """
openstack opendev openinfra stackforge networking python os keystoneauth keystonemiddleware castellan tooz
taskflow stevedore pbr bandit hacking flake8 pylint mypy cephadm cinderlib osprofiler bindep stestr ryu
nova neutron cinder glance keystone swift heat horizon ironic
kolla kolla-ansible kolla-kubernetes kolla-cli kayobe tripleo tripleo-ci tripleo-ui magnum octavia
manila designate barbican zaqar mistral trove sahara senlin watcher zun kuryr tacker cyborg placement
blazar masakari freezer monasca aodh ceilometer gnocchi panko cloudkitty vitrage murano solum
searchlight karbor qinling storlets tricircle congress rally tempest grenade devstack zuul nodepool
gerrit launchpad storyboard oslo oslo.messaging osc openstackclient openstacksdk sdk shade ironicclient
novaclient bifrost metalsmith sushy ipa ironic-python-agent networking-ansible networking-generic-switch
ngs n-g-s os-net-config os-brick loci openstack-helm helm airship starlingx kata skyline venus adjutant
sunbeam charms puppet chef juju maas ceph ceph-ansible ceph-docker rook rabbit rabbitmq mariadb mysql
galera postgres postgresql sqlite redis memcached haproxy keepalived nginx apache etcd kafka zookeeper
ovs ovn openvswitch libvirt qemu kvm xen vmware hyperv esxi docker podman buildah kubernetes k8s k3s
kompose kolla_toolbox fluentd fluent-bit elasticsearch kibana logstash prometheus grafana alertmanager
telegraf influxdb collectd opensearch centos rhel fedora ubuntu debian suse opensuse sles oraclelinux
rocky almalinux arch gentoo linux windows macos github gitlab gitea jenkins travis pypi pip tox nox
pytest sphinx reno uwsgi wsgi flask django pecan eventlet sqlalchemy alembic ipxe pxe uefi bios redfish
idrac ilo drac ipmi tpm tftp dhcp dns http https grpc rpc rest json yaml ssh tls ssl ldap saml oidc
kerberos intel amd arm aarch64 x86 ppc64le s390x nvidia mellanox cisco juniper dell emc hpe hp ibm
lenovo huawei ericsson nokia canonical redhat rdo mirantis suse stackhpc cern rackspace ovh vexxhost
windriver oath yahoo google microsoft amazon aws azure gcp openai linaro
"""

VERBS = frozenset(_VERBS.split())
FUNCTION_WORDS = frozenset(_FUNCTION.split())
PROJECTS = frozenset(_PROJECTS.split())

STOP_WORDS = frozenset(
    word
    for block in (_FUNCTION, _VERBS, _NOUNS, _COMMON, _PROJECTS)
    for word in block.split()
)

# English derivational endings: a lower-case word ending so ("caching", "migration", "deployment") is a
# word, not a nick, unless ptghub knows it.
WORD_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ship", "able", "ible",
                 "ful", "less", "ous", "ive", "ise", "ize", "ized", "ised", "ally", "ical", "ogy", "ies")

# Camel-case product and project names that would otherwise look like nicks (TheJulia does).
CAMEL_CASE_NAMES = frozenset(
    """
    openstack devstack tripleo rabbitmq mariadb postgresql mysql github gitlab opendev openinfra
    starlingx centos openshift openvswitch smartnic smartnics netapp vmware javascript typescript
    dockerhub pypi redhat ipxe ebpf vgpu iscsi macos ios iphone ipad youtube linkedin freenode oftc
    meetbot ptgbot etherpad launchpad storyboard openapi graphql nodejs ironic-python-agent cloudkitty
    openstackclient openstacksdk devops virtualbox clickhouse opensearch libreoffice powerdns coredns mongodb
    dynamodb cockroachdb microsoft openvino cephfs novnc smartos freebsd netbsd openbsd redis qemu libvirt
    terraform kubevirt metal3 kubeadm minikube
    """.split()
)

# Subjects that name a group rather than a person: a commitment they make has no owner.
GROUP_HEADS = frozenset(
    """
    team teams folks people guys group groups squad squads community communities core cores reviewers
    maintainers contributors developers devs operators users deployers vendors members everyone
    everybody all someone somebody anyone anybody volunteers sig wg room track project projects company
    companies others some several many foundation board tc infra
    """.split()
)

SELF_WORDS = frozenset({"i", "me", "myself"})
